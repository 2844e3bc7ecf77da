import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseFailureStore, type FailureStoreRef } from '../config/contracts.js';
import type { StreamEvent } from '../fanout.js';
import { FailureBucketClient } from '../progress/failure-store.js';
import type { StoreClient } from '../progress/failure-stores.js';
import { eventSequenceNumber, isKinesisRecord, type StreamEventRecord } from '../records/index.js';

/** Why Lambda gave up on a batch, as its invocation record says. */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** How the last invocation of the records ended, when they were sent to the function at all. */
export type LastInvocation = 'error' | 'reported-failures' | undefined;

/** The shard and sequence range of a discarded batch: Lambda's KinesisBatchInfo / DDBStreamBatchInfo. */
export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
}

/** The document Lambda sends to a stream mapping's on-failure destination: metadata only (S3 also gets the event, as `payload`). */
export interface InvocationRecord {
  requestContext: { requestId: string; functionArn: string; condition: DiscardCondition; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo?: StreamBatchInfo;
  DDBStreamBatchInfo?: StreamBatchInfo;
}

/** A batch given up on: what the invocation record is made from. */
export interface DiscardedBatch {
  functionArn: string;
  streamArn: string;
  shardId: string;
  records: readonly StreamEventRecord[];
  condition: DiscardCondition;
  /** How many times the function was invoked with these records. */
  invocations: number;
  last: LastInvocation;
}

/** When a record reached the stream, in milliseconds: Kinesis' arrival time, DynamoDB's creation time (both given in seconds). */
export function arrivalMs(record: StreamEventRecord): number | undefined {
  const seconds = isKinesisRecord(record) ? record.kinesis.approximateArrivalTimestamp : record.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : seconds * 1000;
}

const arrivalText = (record: StreamEventRecord) => new Date(arrivalMs(record) ?? Date.now()).toISOString();

export function invocationRecord({ functionArn, streamArn, shardId, records, condition, invocations, last }: DiscardedBatch, now = new Date()): InvocationRecord {
  const first = records[0]!;
  const final = records.at(-1)!;
  const batchInfo: StreamBatchInfo = {
    shardId,
    startSequenceNumber: eventSequenceNumber(first),
    endSequenceNumber: eventSequenceNumber(final),
    approximateArrivalOfFirstRecord: arrivalText(first),
    approximateArrivalOfLastRecord: arrivalText(final),
    batchSize: records.length,
    streamArn,
  };
  return {
    requestContext: { requestId: randomUUID(), functionArn, condition, approximateInvokeCount: invocations },
    // a batch never sent to the function has no response: its fields are empty
    responseContext:
      last === undefined
        ? { statusCode: 0, executedVersion: '', functionError: '' }
        : { statusCode: 200, executedVersion: '$LATEST', functionError: last === 'error' ? 'Unhandled' : '' },
    version: '1.0',
    timestamp: now.toISOString(),
    ...(isKinesisRecord(first) ? { KinesisBatchInfo: batchInfo } : { DDBStreamBatchInfo: batchInfo }),
  };
}

/** Sends an invocation record to a destination by ARN; the event goes along to an S3 destination, as Lambda's does. */
export type OnFailureSender = (destination: { arn: string; mappingId: string }, record: InvocationRecord, event: StreamEvent) => Promise<void>;

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** Lambda's object key: aws/lambda/<mapping UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>. */
export function onFailureObjectKey(mappingId: string, shardId: string, at: Date): string {
  const [year, month, day] = [at.getUTCFullYear(), twoDigits(at.getUTCMonth() + 1), twoDigits(at.getUTCDate())];
  const time = [at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()].map(twoDigits).join('.');
  return `aws/lambda/${mappingId}/${shardId}/${year}/${month}/${day}/${year}-${month}-${day}T${time}-${randomUUID()}`;
}

/** The destinations Lambda sends to, each with its client from `client` (in the destination's region). */
export function onFailureSender(client: StoreClient): OnFailureSender {
  const queueUrls = new Map<string, Promise<string>>();
  const queueUrl = (ref: Extract<FailureStoreRef, { kind: 'sqs' }>) => {
    let url = queueUrls.get(ref.arn);
    if (!url) {
      url = client(SQSClient, ref.region)
        .send(new GetQueueUrlCommand({ QueueName: ref.name, QueueOwnerAWSAccountId: ref.account }))
        .then(({ QueueUrl }) => QueueUrl!);
      url.catch(() => queueUrls.delete(ref.arn));
      queueUrls.set(ref.arn, url);
    }
    return url;
  };
  return async ({ arn, mappingId }, record, event) => {
    const ref = parseFailureStore(arn);
    if (!ref) throw new Error(`DestinationConfig.OnFailure.Destination: "${arn}" is not an SQS queue, SNS topic or S3 bucket ARN`);
    const body = JSON.stringify(record);
    if (ref.kind === 'sqs') {
      await client(SQSClient, ref.region).send(new SendMessageCommand({ QueueUrl: await queueUrl(ref), MessageBody: body }));
    } else if (ref.kind === 'sns') {
      await client(SNSClient, ref.region).send(new PublishCommand({ TopicArn: ref.arn, Message: body }));
    } else {
      const batchInfo = (record.KinesisBatchInfo ?? record.DDBStreamBatchInfo)!;
      await client(FailureBucketClient).send(
        new PutObjectCommand({
          Bucket: ref.bucket,
          Key: onFailureObjectKey(mappingId, batchInfo.shardId, new Date(record.timestamp)),
          Body: JSON.stringify({ ...record, payload: event }),
          ContentType: 'application/json',
        }),
      );
    }
  };
}
