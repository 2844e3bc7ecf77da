import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, paginateListObjectsV2, type S3ClientConfig } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import type { FailureStore, StoreClient, StoredFailure } from './failure-stores.js';
import {
  FAILURE_DOCUMENT_VERSION,
  failureObjectKey,
  failurePrefix,
  type FailureDocument,
  type FailurePointer,
  type FailureStoreRef,
} from '../config/contracts.js';

/** Path-style addressing wherever an endpoint is set (a local S3, such as moto's at localhost): its host names no buckets. */
export class FailureBucketClient extends S3Client {
  constructor(config: S3ClientConfig) {
    super({ forcePathStyle: Boolean(config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL), ...config });
  }
}

/** SQS takes messages of 1 MiB (256 KiB before 2025 on older endpoints: keep within that), SNS 256 KiB. */
export const FAILURE_MESSAGE_MAX_BYTES = { sqs: 262_144, sns: 262_144 } as const;
/** SendMessageBatch and PublishBatch take 10 entries. */
const MESSAGES_PER_BATCH = 10;
const S3_CALLS_AT_ONCE = 8;

const json = (value: unknown) => JSON.stringify(value);

function pointerTo(bucket: string, document: FailureDocument): FailurePointer {
  return {
    fanoutFailurePointer: FAILURE_DOCUMENT_VERSION,
    bucket,
    key: failureObjectKey(document),
    sourceArn: document.sourceArn,
    target: document.target,
    sequenceNumber: document.record.sequenceNumber,
    ...(document.record.subSequenceNumber !== undefined ? { subSequenceNumber: document.record.subSequenceNumber } : {}),
    reason: document.reason,
  };
}

export class S3FailureStore implements FailureStore {
  constructor(
    readonly arn: string,
    readonly bucket: string,
    private readonly s3: S3Client,
  ) {}

  async put(documents: readonly FailureDocument[], signal?: AbortSignal): Promise<void> {
    const limit = pLimit(S3_CALLS_AT_ONCE);
    await Promise.all(documents.map((document) => limit(() => this.putOne(document, signal))));
  }

  async putOne(document: FailureDocument, signal?: AbortSignal): Promise<string> {
    const key = failureObjectKey(document);
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: json(document), ContentType: 'application/json' }), { abortSignal: signal });
    return key;
  }

  private async keys(sourceArn: string, targetId: string, max: number): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket, Prefix: failurePrefix(sourceArn, targetId) })) {
      for (const object of page.Contents ?? []) if (keys.length < max && object.Key) keys.push(object.Key);
      if (keys.length >= max) break;
    }
    return keys;
  }

  async count(sourceArn: string, targetId: string): Promise<number> {
    return (await this.keys(sourceArn, targetId, Number.POSITIVE_INFINITY)).length;
  }

  async list(sourceArn: string, targetId: string, max: number): Promise<StoredFailure[]> {
    const keys = await this.keys(sourceArn, targetId, max);
    const limit = pLimit(S3_CALLS_AT_ONCE);
    return Promise.all(
      keys.map(async (key) => ({
        document: await limit(() => this.read(key)),
        remove: async () => void (await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))),
        replace: async (document: FailureDocument) => void (await this.putOne(document)),
      })),
    );
  }

  async read(key: string): Promise<FailureDocument> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await Body!.transformToString('utf8')) as FailureDocument;
  }
}

/** A queue or topic store: a document too large for a message is kept whole in S3, the message points at it. */
abstract class MessageFailureStore implements FailureStore {
  constructor(
    readonly arn: string,
    protected readonly maxBytes: number,
    protected readonly overflow: S3FailureStore | undefined,
  ) {}

  protected abstract sendBatch(bodies: readonly string[], signal?: AbortSignal): Promise<void>;

  async put(documents: readonly FailureDocument[], signal?: AbortSignal): Promise<void> {
    const bodies: string[] = [];
    for (const document of documents) {
      const body = json(document);
      if (Buffer.byteLength(body) <= this.maxBytes) {
        bodies.push(body);
        continue;
      }
      if (!this.overflow) throw new Error(`a failure of ${Buffer.byteLength(body)} bytes is too large for ${this.arn} and the function has no S3 failure store (FAILURE_STORE) to keep it whole`);
      await this.overflow.putOne(document, signal);
      bodies.push(json(pointerTo(this.overflow.bucket, document)));
    }
    for (let start = 0; start < bodies.length; start += MESSAGES_PER_BATCH) await this.sendBatch(bodies.slice(start, start + MESSAGES_PER_BATCH), signal);
  }

  abstract list(sourceArn: string, targetId: string, max: number): Promise<StoredFailure[]>;

  count(): Promise<number | undefined> {
    return Promise.resolve(undefined);
  }
}

class SqsFailureStore extends MessageFailureStore {
  private queueUrl: Promise<string> | undefined;

  constructor(
    private readonly ref: Extract<FailureStoreRef, { kind: 'sqs' }>,
    private readonly sqs: SQSClient,
    overflow: S3FailureStore | undefined,
  ) {
    super(ref.arn, FAILURE_MESSAGE_MAX_BYTES.sqs, overflow);
  }

  /** Looked up once: the SDK sends to the endpoint it is given, and the queue's URL says where that is. */
  private url(): Promise<string> {
    this.queueUrl ??= this.sqs
      .send(new GetQueueUrlCommand({ QueueName: this.ref.name, QueueOwnerAWSAccountId: this.ref.account }))
      .then(({ QueueUrl }) => QueueUrl!)
      .catch((error: unknown) => {
        this.queueUrl = undefined;
        throw error;
      });
    return this.queueUrl;
  }

  protected async sendBatch(bodies: readonly string[], signal?: AbortSignal): Promise<void> {
    const { Failed } = await this.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: await this.url(), Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })) }),
      { abortSignal: signal },
    );
    if (Failed?.length) throw new Error(`${Failed.length} failure(s) not taken by ${this.arn}: ${Failed[0]!.Message ?? Failed[0]!.Code}`);
  }

  /** Receives the queue's messages; the target's are returned, the others become visible again when their time is up. */
  async list(sourceArn: string, targetId: string, max: number): Promise<StoredFailure[]> {
    const queueUrl = await this.url();
    const found: StoredFailure[] = [];
    for (let empty = 0; found.length < max && empty < 2; ) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) empty++;
      for (const message of Messages) {
        const body = JSON.parse(message.Body ?? '{}') as Partial<FailureDocument & FailurePointer>;
        if (body.sourceArn !== sourceArn || body.target?.id !== targetId || found.length >= max) continue;
        const document = body.fanoutFailurePointer && this.overflow ? await this.overflow.read(body.key!) : (body as FailureDocument);
        const remove = async () => void (await this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! })));
        found.push({ document, remove, replace: async (again) => { await this.put([again]); await remove(); } });
      }
    }
    // in the order a bucket would list them: each key made once, not at every comparison
    const keys = new Map(found.map((failure) => [failure, failureObjectKey(failure.document)]));
    return found.sort((a, b) => keys.get(a)!.localeCompare(keys.get(b)!));
  }
}

class SnsFailureStore extends MessageFailureStore {
  constructor(
    ref: Extract<FailureStoreRef, { kind: 'sns' }>,
    private readonly sns: SNSClient,
    overflow: S3FailureStore | undefined,
  ) {
    super(ref.arn, FAILURE_MESSAGE_MAX_BYTES.sns, overflow);
  }

  protected async sendBatch(bodies: readonly string[], signal?: AbortSignal): Promise<void> {
    const { Failed } = await this.sns.send(
      new PublishBatchCommand({ TopicArn: this.arn, PublishBatchRequestEntries: bodies.map((body, index) => ({ Id: String(index), Message: body })) }),
      { abortSignal: signal },
    );
    if (Failed?.length) throw new Error(`${Failed.length} failure(s) not taken by ${this.arn}: ${Failed[0]!.Message ?? Failed[0]!.Code}`);
  }

  list(): Promise<StoredFailure[]> {
    return Promise.reject(new Error(`${this.arn} is an SNS topic: what it received cannot be read back; redrive from a queue or bucket subscribed to it`));
  }
}

/** A store by ARN, in its own region; `overflow` keeps what a message cannot hold. */
export function openFailureStore(ref: FailureStoreRef, client: StoreClient, overflow: S3FailureStore | undefined): FailureStore {
  if (ref.kind === 's3') return ref.arn === overflow?.arn ? overflow : new S3FailureStore(ref.arn, ref.bucket, client(FailureBucketClient));
  if (ref.kind === 'sqs') return new SqsFailureStore(ref, client(SQSClient, ref.region), overflow);
  return new SnsFailureStore(ref, client(SNSClient, ref.region), overflow);
}

/** The function's own S3 store, when FAILURE_STORE is a bucket. */
export function openOverflowStore(ref: FailureStoreRef | undefined, client: StoreClient): S3FailureStore | undefined {
  return ref?.kind === 's3' ? new S3FailureStore(ref.arn, ref.bucket, client(FailureBucketClient)) : undefined;
}
