import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as firehose from '@aws-sdk/client-firehose';
import * as iotData from '@aws-sdk/client-iot-data-plane';
import * as kinesis from '@aws-sdk/client-kinesis';
import * as s3 from '@aws-sdk/client-s3';
import * as sns from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import {
  HttpSinkClient,
  TARGET_OPERATIONS,
  awsClientConfig,
  motoRequests,
  startFaultProxy,
  startTcpFaultProxy,
  uniqueName,
  type AwsClientConfig,
  type FaultKind,
  type FaultPlan,
  type FaultProxy,
  type FaultProxyOptions,
  type TargetOperation,
  type TcpFaultProxy,
  type TcpFaultProxyOptions,
} from '../src/index.js';
import { createEchoFunction } from './support/lambda.js';
import { recordingRetries, type RetryErrorType, type RetryStrategy } from './support/retries.js';

const { aws, http, opensearch, redis } = inject('testbed');
const [ACCOUNT] = aws.accounts;
const [REGION] = aws.regions;

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((proxy) => proxy.stop()));
});

async function proxy(options: Partial<FaultProxyOptions> = {}): Promise<FaultProxy> {
  const started = await startFaultProxy({ upstream: aws.endpoint, ...options });
  running.push(started);
  return started;
}

type ClientOptions = AwsClientConfig & { retryStrategy?: RetryStrategy };

/** Configuration for a client that goes through the proxy. */
function via(faultProxy: FaultProxy, retryStrategy?: RetryStrategy): ClientOptions {
  return { ...awsClientConfig(aws, { endpoint: faultProxy.endpoint }), ...(retryStrategy ? { retryStrategy } : {}) };
}

const direct = awsClientConfig(aws);
const directSqs = new SQSClient(direct);
const kinesisClient = (options: ClientOptions) => new kinesis.KinesisClient({ ...options, requestHandler: new NodeHttpHandler() });

async function createQueue(): Promise<string> {
  const { QueueUrl } = await directSqs.send(new CreateQueueCommand({ QueueName: uniqueName('proxied') }));
  return QueueUrl!;
}

/** Every message body in the queue, read (and deleted) until a receive finds none: moto's queues are consistent. */
async function drain(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await directSqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return bodies.sort();
    bodies.push(...Messages.map((message) => message.Body!));
    await directSqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

/** What a call made of it: the error's name (or code, for a network error), and how the SDK classed it. */
async function failure(call: Promise<unknown>, errorTypes: RetryErrorType[]): Promise<{ name: string; errorTypes: RetryErrorType[] }> {
  const error = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (caught: unknown) => caught,
  )) as { name: string; code?: string };
  return { name: error.code ?? error.name, errorTypes };
}

const entriesOf = (count: number) => Array.from({ length: count }, (_, index) => ({ Id: `e${index}`, MessageBody: `m${index}` }));
const bodiesOf = (ids: readonly string[]) => ids.map((id) => `m${id.slice(1)}`).sort();
const sorted = (values: Iterable<string>) => [...values].sort();

/** One call of each single-entry target operation, to resources that need not exist: a faulted call is not forwarded. */
const SINGLE_CALLS: Record<'sqs' | 'sns' | 'kinesis' | 'firehose' | 'lambda' | 'iot', (options: ClientOptions) => Promise<unknown>> = {
  sqs: (options) =>
    new SQSClient(options).send(new SendMessageCommand({ QueueUrl: `${options.endpoint}/${ACCOUNT}/absent`, MessageBody: 'x' })),
  sns: (options) =>
    new sns.SNSClient(options).send(new sns.PublishCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:absent`, Message: 'x' })),
  kinesis: (options) =>
    kinesisClient(options).send(new kinesis.PutRecordCommand({ StreamName: 'absent', PartitionKey: 'k', Data: Buffer.from('x') })),
  firehose: (options) =>
    new firehose.FirehoseClient(options).send(new firehose.PutRecordCommand({ DeliveryStreamName: 'absent', Record: { Data: Buffer.from('x') } })),
  lambda: (options) => new LambdaClient(options).send(new InvokeCommand({ FunctionName: 'absent', Payload: Buffer.from('{}') })),
  iot: (options) => new iotData.IoTDataPlaneClient(options).send(new iotData.PublishCommand({ topic: 'absent/topic', payload: Buffer.from('{}') })),
};

/**
 * Sends one message ("sent") to a new queue through a proxy that faults SendMessage as planned,
 * with a client that gives up on a request after 2 s, and says how the call failed.
 */
async function sendOneMessage(plan: Omit<FaultPlan, 'operations'>) {
  const queueUrl = await createQueue();
  const faultProxy = await proxy({ faults: { operations: ['sqs.SendMessage'], ...plan } });
  const { retryStrategy, errorTypes } = recordingRetries();
  const client = new SQSClient({ ...via(faultProxy, retryStrategy), requestHandler: { requestTimeout: 2_000, throwOnRequestTimeout: true } });
  const outcome = await failure(client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'sent' })), errorTypes);
  return { queueUrl, faultProxy, outcome };
}

const SINGLE_OPERATIONS = {
  sqs: 'sqs.SendMessage',
  sns: 'sns.Publish',
  kinesis: 'kinesis.PutRecord',
  firehose: 'firehose.PutRecord',
  lambda: 'lambda.Invoke',
  iot: 'iot.Publish',
} as const satisfies Record<keyof typeof SINGLE_CALLS, TargetOperation>;

describe('fault proxy in front of moto', () => {
  it('fails some entries of an SQS SendMessageBatch by Id, forwards only the others, and the queue holds exactly those', async () => {
    const queueUrl = await createQueue();
    const faultProxy = await proxy({ seed: 7, faults: { operations: ['sqs.SendMessageBatch'], rates: { partial: 1 }, entryFailureRate: 0.4 } });

    const result = await new SQSClient(via(faultProxy)).send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(10) }));

    const failedIds = result.Failed!.map((entry) => entry.Id!);
    expect(failedIds.length).toBeGreaterThan(0);
    expect(failedIds.length).toBeLessThan(10);
    expect(result.Failed!.every((entry) => entry.SenderFault === false && entry.Code === 'InternalError')).toBe(true);
    expect(sorted([...failedIds, ...result.Successful!.map((entry) => entry.Id!)])).toEqual(sorted(entriesOf(10).map((entry) => entry.Id)));
    expect(await drain(queueUrl)).toEqual(bodiesOf(result.Successful!.map((entry) => entry.Id!)));
    expect(faultProxy.counters('sqs.SendMessageBatch')).toMatchObject({
      requests: 1,
      forwarded: 1,
      entriesFailed: failedIds.length,
      entriesForwarded: 10 - failedIds.length,
      faults: { partial: 1 },
    });
  });

  it('with failedEntriesWritten, reports entries failed that it forwarded all the same (the ambiguous kind)', async () => {
    const queueUrl = await createQueue();
    const faultProxy = await proxy({
      seed: 7,
      faults: { operations: ['sqs.SendMessageBatch'], rates: { partial: 1 }, entryFailureRate: 0.4, failedEntriesWritten: true },
    });

    const result = await new SQSClient(via(faultProxy)).send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(10) }));

    expect(result.Failed!.length).toBeGreaterThan(0);
    expect(result.Successful!.length).toBe(10 - result.Failed!.length);
    expect(await drain(queueUrl)).toEqual(bodiesOf(entriesOf(10).map((entry) => entry.Id)));
    expect(faultProxy.counters('sqs.SendMessageBatch')).toMatchObject({ entriesFailed: result.Failed!.length, entriesForwarded: 10 });
  });

  it('fails every entry without forwarding anything when the draws fail them all', async () => {
    const queueUrl = await createQueue();
    const faultProxy = await proxy({ faults: { operations: ['sqs.SendMessageBatch'], rates: { partial: 1 }, entryFailureRate: 1 } });

    const result = await new SQSClient(via(faultProxy)).send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(3) }));

    expect(sorted(result.Failed!.map((entry) => entry.Id!))).toEqual(['e0', 'e1', 'e2']);
    expect(result.Successful ?? []).toEqual([]);
    expect(faultProxy.counters('sqs.SendMessageBatch')).toMatchObject({ forwarded: 0, entriesForwarded: 0, entriesFailed: 3 });
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('fails some entries of an SNS PublishBatch, and the subscribed queue receives exactly the others', async () => {
    const snsClient = new sns.SNSClient(direct);
    const { TopicArn } = await snsClient.send(new sns.CreateTopicCommand({ Name: uniqueName('proxied') }));
    const queueUrl = await createQueue();
    const { Attributes } = await directSqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await snsClient.send(
      new sns.SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn!, Attributes: { RawMessageDelivery: 'true' } }),
    );
    const faultProxy = await proxy({ seed: 3, faults: { operations: ['sns.PublishBatch'], rates: { partial: 1 } } });

    const entries = entriesOf(8).map(({ Id, MessageBody }) => ({ Id, Message: MessageBody }));
    const result = await new sns.SNSClient(via(faultProxy)).send(new sns.PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));

    const failedIds = result.Failed!.map((entry) => entry.Id!);
    expect(failedIds.length).toBeGreaterThan(0);
    expect(failedIds.length).toBeLessThan(8);
    expect(result.Failed!.every((entry) => entry.SenderFault === false && entry.Code === 'InternalError')).toBe(true);
    expect(sorted([...failedIds, ...result.Successful!.map((entry) => entry.Id!)])).toEqual(sorted(entries.map((entry) => entry.Id)));
    const successfulBodies = bodiesOf(result.Successful!.map((entry) => entry.Id!));
    // SNS delivers to its subscribers after it answers: wait until all the successful ones arrived, then for no more
    const received: string[] = [];
    await expect
      .poll(async () => {
        received.push(...(await drain(queueUrl)));
        return [...received].sort();
      })
      .toEqual(successfulBodies);
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('fails some records of a Kinesis PutRecords, in place, and the stream holds exactly the others, in order', async () => {
    const StreamName = uniqueName('proxied');
    const directKinesis = kinesisClient(direct);
    await directKinesis.send(new kinesis.CreateStreamCommand({ StreamName, ShardCount: 1 }));
    const faultProxy = await proxy({ seed: 5, faults: { operations: ['kinesis.PutRecords'], rates: { partial: 1 } } });

    const data = Array.from({ length: 10 }, (_, index) => `r${index}`);
    const result = await kinesisClient(via(faultProxy)).send(
      new kinesis.PutRecordsCommand({ StreamName, Records: data.map((text) => ({ Data: Buffer.from(text), PartitionKey: text })) }),
    );

    const failed = result.Records!.flatMap((record, index) => (record.ErrorCode ? [index] : []));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(10);
    expect(result.FailedRecordCount).toBe(failed.length);
    expect(result.Records!.filter((record) => record.ErrorCode).every((record) => record.ErrorCode === 'ProvisionedThroughputExceededException')).toBe(true);
    expect(result.Records!.filter((record) => !record.ErrorCode).every((record) => record.SequenceNumber && record.ShardId)).toBe(true);
    const { Shards } = await directKinesis.send(new kinesis.ListShardsCommand({ StreamName }));
    const { ShardIterator } = await directKinesis.send(
      new kinesis.GetShardIteratorCommand({ StreamName, ShardId: Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await directKinesis.send(new kinesis.GetRecordsCommand({ ShardIterator }));
    expect(Records!.map((record) => Buffer.from(record.Data!).toString())).toEqual(data.filter((_, index) => !failed.includes(index)));
  });

  it('fails some records of a Firehose PutRecordBatch, in place, and the delivered object holds exactly the others', async () => {
    const bucket = uniqueName('proxied');
    await new s3.S3Client({ ...direct, forcePathStyle: true }).send(new s3.CreateBucketCommand({ Bucket: bucket }));
    const { Role } = await new IAMClient(direct).send(new CreateRoleCommand({ RoleName: uniqueName('delivery'), AssumeRolePolicyDocument: '{}' }));
    const DeliveryStreamName = uniqueName('proxied');
    await new firehose.FirehoseClient(direct).send(
      new firehose.CreateDeliveryStreamCommand({
        DeliveryStreamName,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: Role!.Arn! },
      }),
    );
    const faultProxy = await proxy({ seed: 5, faults: { operations: ['firehose.PutRecordBatch'], rates: { partial: 1 } } });

    const data = Array.from({ length: 10 }, (_, index) => `r${index};`);
    const result = await new firehose.FirehoseClient(via(faultProxy)).send(
      new firehose.PutRecordBatchCommand({ DeliveryStreamName, Records: data.map((text) => ({ Data: Buffer.from(text) })) }),
    );

    const failed = result.RequestResponses!.flatMap((response, index) => (response.ErrorCode ? [index] : []));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(10);
    expect(result.FailedPutCount).toBe(failed.length);
    expect(result.RequestResponses!.filter((response) => response.ErrorCode).every((response) => response.ErrorCode === 'ServiceUnavailableException')).toBe(true);
    const bucketClient = new s3.S3Client({ ...direct, forcePathStyle: true });
    const { Contents } = await bucketClient.send(new s3.ListObjectsV2Command({ Bucket: bucket }));
    expect(Contents).toHaveLength(1);
    const { Body } = await bucketClient.send(new s3.GetObjectCommand({ Bucket: bucket, Key: Contents![0]!.Key }));
    expect(await Body!.transformToString()).toBe(data.filter((_, index) => !failed.includes(index)).join(''));
  });

  it.each([
    ['sqs', undefined, 'RequestThrottled', 'THROTTLING'],
    ['sqs', 'ThrottlingException', 'ThrottlingException', 'THROTTLING'],
    ['sns', undefined, 'Throttling', 'THROTTLING'],
    ['sns', 'Throttled', 'ThrottledException', 'THROTTLING'],
    ['kinesis', undefined, 'ProvisionedThroughputExceededException', 'THROTTLING'],
    ['kinesis', 'ThrottlingException', 'ThrottlingException', 'THROTTLING'],
    ['kinesis', 'LimitExceededException', 'LimitExceededException', 'THROTTLING'],
    // Firehose's way of saying "slow down" is a 503: the SDK retries it as TRANSIENT
    ['firehose', undefined, 'ServiceUnavailableException', 'TRANSIENT'],
    ['firehose', 'ThrottlingException', 'ThrottlingException', 'THROTTLING'],
    ['lambda', undefined, 'TooManyRequestsException', 'THROTTLING'],
    ['iot', undefined, 'ThrottlingException', 'THROTTLING'],
  ] as const)('throttles %s (%s) as the SDK knows it: %s, %s', async (api, throttleCode, name, errorType) => {
    const operation = SINGLE_OPERATIONS[api];
    const faultProxy = await proxy({ faults: { operations: [operation], rates: { throttle: 1 }, ...(throttleCode ? { throttleCode } : {}) } });
    const { retryStrategy, errorTypes } = recordingRetries();

    expect(await failure(SINGLE_CALLS[api](via(faultProxy, retryStrategy)), errorTypes)).toEqual({ name, errorTypes: [errorType] });
    expect(faultProxy.counters(operation)).toMatchObject({ requests: 1, forwarded: 0, faults: { throttle: 1 } });
  });

  it.each(
    (Object.keys(SINGLE_CALLS) as Array<keyof typeof SINGLE_CALLS>).flatMap((api) =>
      (['error500', 'error503'] as const).map((kind) => [api, kind] as const),
    ),
  )('answers %s with %s, which the SDK retries as TRANSIENT', async (api, kind) => {
    const faultProxy = await proxy({ faults: { operations: [SINGLE_OPERATIONS[api]], rates: { [kind]: 1 } } });
    const { retryStrategy, errorTypes } = recordingRetries();

    const error = (await SINGLE_CALLS[api](via(faultProxy, retryStrategy)).catch((caught: unknown) => caught)) as {
      $metadata?: { httpStatusCode?: number };
    };

    expect(error.$metadata?.httpStatusCode).toBe(kind === 'error500' ? 500 : 503);
    expect(errorTypes).toEqual(['TRANSIENT']);
  });

  it('lets the SDK retry a throttled call with its own strategy: each attempt is a request the proxy saw', async () => {
    const faultProxy = await proxy({ faults: { operations: ['sqs.SendMessage'], rates: { throttle: 1 } } });

    const error = (await SINGLE_CALLS.sqs({ ...via(faultProxy), maxAttempts: 3 } as ClientOptions).catch((caught: unknown) => caught)) as {
      name: string;
      $metadata: { attempts: number };
    };

    expect([error.name, error.$metadata.attempts]).toEqual(['RequestThrottled', 3]);
    expect(faultProxy.counters('sqs.SendMessage')).toMatchObject({ requests: 3, faults: { throttle: 3 } });
  });

  it('drops the connection before forwarding: the client sees a reset, and nothing is written', async () => {
    const { queueUrl, faultProxy, outcome } = await sendOneMessage({ rates: { dropBeforeForward: 1 } });

    expect(outcome).toEqual({ name: 'ECONNRESET', errorTypes: ['TRANSIENT'] });
    expect(faultProxy.counters('sqs.SendMessage')).toMatchObject({ forwarded: 0, faults: { dropBeforeForward: 1, dropAfterForward: 0 } });
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('drops the connection after forwarding: the message is written, but the client sees a reset', async () => {
    const { queueUrl, faultProxy, outcome } = await sendOneMessage({ rates: { dropAfterForward: 1 } });

    expect(outcome).toEqual({ name: 'ECONNRESET', errorTypes: ['TRANSIENT'] });
    expect(faultProxy.counters('sqs.SendMessage')).toMatchObject({
      forwarded: 1,
      entriesForwarded: 1,
      faults: { dropBeforeForward: 0, dropAfterForward: 1 },
    });
    expect(await drain(queueUrl)).toEqual(['sent']);
  });

  it('drops the connection after forwarding a Lambda Invoke: moto ran it, the client saw a reset', async () => {
    const FunctionName = await createEchoFunction(aws);
    const faultProxy = await proxy({ faults: { operations: ['lambda.Invoke'], rates: { dropAfterForward: 1 } } });
    const { retryStrategy, errorTypes } = recordingRetries();

    const invoked = new LambdaClient(via(faultProxy, retryStrategy)).send(
      new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }),
    );

    expect(await failure(invoked, errorTypes)).toEqual({ name: 'ECONNRESET', errorTypes: ['TRANSIENT'] });
    const invocations = motoRequests(aws, new RegExp(`/functions/${FunctionName}/invocations`));
    expect(invocations.map((request) => request.body.toString())).toEqual(['{"n":1}']);
  });

  it("answers later than the client's timeout: the client times out, and the message is written", async () => {
    const { queueUrl, faultProxy, outcome } = await sendOneMessage({ rates: { slow: 1 }, slow: { delayMs: 60_000, then: 'answer' } });

    expect(outcome).toEqual({ name: 'ETIMEDOUT', errorTypes: ['TRANSIENT'] });
    // forwarded before the delay: written as soon as moto answered the proxy
    await expect.poll(() => faultProxy.counters('sqs.SendMessage').forwarded).toBe(1);
    expect(await drain(queueUrl)).toEqual(['sent']);
  });

  it("hangs: neither forwards nor answers, and the client's timeout ends the call", async () => {
    const { queueUrl, faultProxy, outcome } = await sendOneMessage({ rates: { slow: 1 }, slow: { delayMs: 0, then: 'hang' } });

    expect(outcome).toEqual({ name: 'ETIMEDOUT', errorTypes: ['TRANSIENT'] });
    expect(faultProxy.counters('sqs.SendMessage')).toMatchObject({ requests: 1, forwarded: 0, faults: { slow: 1 } });
    expect(await drain(queueUrl)).toEqual([]);
  });

  it('never faults reads, DynamoDB, CloudWatch or STS, even with every target operation failing', async () => {
    const StreamName = uniqueName('source');
    const directKinesis = kinesisClient(direct);
    await directKinesis.send(new kinesis.CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await directKinesis.send(new kinesis.PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('source record') }));
    const faultProxy = await proxy({ faults: { operations: Object.keys(TARGET_OPERATIONS) as TargetOperation[], rates: { error500: 1 } } });
    const proxied = kinesisClient(via(faultProxy));

    await proxied.send(new kinesis.DescribeStreamSummaryCommand({ StreamName }));
    await proxied.send(new kinesis.DescribeStreamCommand({ StreamName }));
    const { Shards } = await proxied.send(new kinesis.ListShardsCommand({ StreamName }));
    const { ShardIterator } = await proxied.send(
      new kinesis.GetShardIteratorCommand({ StreamName, ShardId: Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records } = await proxied.send(new kinesis.GetRecordsCommand({ ShardIterator }));
    await new dynamodb.DynamoDBClient(via(faultProxy)).send(new dynamodb.ListTablesCommand({}));
    await new cloudwatch.CloudWatchClient(via(faultProxy)).send(
      new cloudwatch.PutMetricDataCommand({ Namespace: 'Custom/FanOut', MetricData: [{ MetricName: 'proxied', Value: 1 }] }),
    );
    const identity = await new STSClient(via(faultProxy)).send(new GetCallerIdentityCommand({}));
    const written = proxied.send(new kinesis.PutRecordCommand({ StreamName, PartitionKey: 'k', Data: Buffer.from('target record') }));

    expect(Records!.map((record) => Buffer.from(record.Data!).toString())).toEqual(['source record']);
    expect(identity.Account).toBe(ACCOUNT);
    await expect(written).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    const { operations, total } = faultProxy.counters();
    const reads = Object.entries(operations).filter(([operation]) => operation !== 'kinesis.PutRecord');
    expect(reads.map(([operation]) => operation).sort()).toEqual(
      expect.arrayContaining([
        'cloudwatch.PutMetricData',
        'dynamodb.ListTables',
        'kinesis.DescribeStream',
        'kinesis.DescribeStreamSummary',
        'kinesis.GetRecords',
        'kinesis.GetShardIterator',
        'kinesis.ListShards',
        'sts.GetCallerIdentity',
      ]),
    );
    expect(reads.every(([, counters]) => counters.forwarded === counters.requests)).toBe(true);
    expect(total.faults.error500).toBe(operations['kinesis.PutRecord']!.requests);
  });

  it('refuses to fault an operation that is not a target, or a partial failure of one that is no batch', async () => {
    const faultProxy = await proxy();

    expect(() => faultProxy.setFaults({ operations: ['kinesis.GetRecords' as TargetOperation], rates: { error500: 1 } })).toThrow(
      /kinesis\.GetRecords is not a target operation/,
    );
    expect(() => faultProxy.setFaults({ operations: ['sqs.SendMessage'], rates: { partial: 1 } })).toThrow(/not a batch operation/);
    expect(() => faultProxy.setFaults({ operations: ['sqs.SendMessage'], rates: { throttle: 0.6, error503: 0.6 } })).toThrow(/sum to/);
    expect(() => faultProxy.setFaults({ operations: ['lambda.Invoke'], rates: { throttle: 1 }, throttleCode: 'Throttling' })).toThrow(
      /TooManyRequestsException/,
    );
  });

  it('passes everything at rate 0, and setting a rate to 0 brings a target back', async () => {
    const queueUrl = await createQueue();
    const plan = (throttle: number): FaultPlan => ({ operations: ['sqs.SendMessageBatch'], rates: { throttle } });
    const faultProxy = await proxy({ faults: plan(1) });
    const client = new SQSClient(via(faultProxy, recordingRetries().retryStrategy));

    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(2) }))).rejects.toMatchObject({
      name: 'RequestThrottled',
    });
    faultProxy.setFaults(plan(0));
    const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(5) }));

    expect(result.Failed ?? []).toEqual([]);
    expect(await drain(queueUrl)).toEqual(bodiesOf(entriesOf(5).map((entry) => entry.Id)));
    expect(faultProxy.counters('sqs.SendMessageBatch')).toMatchObject({ requests: 2, forwarded: 1, entriesForwarded: 5, faults: { throttle: 1 } });
  });

  it('makes the same partial failures from the same seed', async () => {
    const failedIds = async (seed: number) => {
      const queueUrl = await createQueue();
      const faultProxy = await proxy({ seed, faults: { operations: ['sqs.SendMessageBatch'], rates: { partial: 0.5, throttle: 0.2 } } });
      const client = new SQSClient(via(faultProxy, recordingRetries().retryStrategy));
      const outcomes: string[] = [];
      for (let call = 0; call < 6; call++) {
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entriesOf(10) })).catch((error: Error) => error);
        outcomes.push(result instanceof Error ? result.name : sorted((result.Failed ?? []).map((entry) => entry.Id!)).join(','));
      }
      return outcomes;
    };

    const first = await failedIds(2026);
    expect(await failedIds(2026)).toEqual(first);
    expect(await failedIds(2027)).not.toEqual(first);
  });
});

describe('fault proxy in front of OpenSearch', () => {
  it('fails some items of a _bulk with 429, forwards only the others, and the index holds exactly those', async () => {
    const index = uniqueName('proxied');
    const faultProxy = await proxy({ upstream: opensearch.endpoint, seed: 9, faults: { operations: ['opensearch.Bulk'], rates: { partial: 1 } } });
    const proxied = new OpenSearchClient({ node: faultProxy.endpoint, maxRetries: 0 });
    const directClient = new OpenSearchClient({ node: opensearch.endpoint });
    const ids = Array.from({ length: 10 }, (_, n) => `doc${n}`);

    const { body } = await proxied.bulk({ index, refresh: true, body: ids.flatMap((id) => [{ index: { _id: id } }, { id }]) });

    const failed = body.items.filter((item) => item.index!.status === 429);
    expect(body.errors).toBe(true);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(10);
    expect(failed.every((item) => item.index!.error?.type === 'es_rejected_execution_exception' && item.index!._index === index)).toBe(true);
    expect(body.items.map((item) => item.index!._id)).toEqual(ids);
    await directClient.indices.refresh({ index });
    const { body: found } = await directClient.search({ index, body: { size: 100, query: { match_all: {} } } });
    const failedIds = new Set(failed.map((item) => item.index!._id));
    expect(sorted(found.hits.hits.map((hit) => hit._id!))).toEqual(ids.filter((id) => !failedIds.has(id)));
    expect(faultProxy.counters('opensearch.Bulk')).toMatchObject({ entriesFailed: failed.length, entriesForwarded: 10 - failed.length });
    await Promise.all([proxied.close(), directClient.close()]);
  });

  it('answers a whole _bulk 429 when throttled, and passes searches through', async () => {
    const faultProxy = await proxy({ upstream: opensearch.endpoint, faults: { operations: ['opensearch.Bulk'], rates: { throttle: 1 } } });
    const proxied = new OpenSearchClient({ node: faultProxy.endpoint, maxRetries: 0 });

    await expect(proxied.bulk({ body: [{ index: { _index: uniqueName('throttled'), _id: '1' } }, { n: 1 }] })).rejects.toMatchObject({
      statusCode: 429,
      body: { error: { type: 'es_rejected_execution_exception' } },
    });
    expect((await proxied.cluster.health()).statusCode).toBe(200);
    expect(faultProxy.counters('opensearch.Bulk')).toMatchObject({ requests: 1, forwarded: 0, faults: { throttle: 1 } });
    expect(faultProxy.counters('http')).toMatchObject({ requests: 1, forwarded: 1 });
    await proxied.close();
  });
});

describe('fault proxy in front of the HTTP sink', () => {
  const sink = new HttpSinkClient(http.endpoint);
  const sinkProxy = (faults: FaultPlan, seed?: number) => proxy({ upstream: http.endpoint, faults, ...(seed === undefined ? {} : { seed }) });
  const post = (faultProxy: FaultProxy, path: string, body = 'x') => fetch(`${faultProxy.endpoint}${path}`, { method: 'POST', body });

  it.each([
    ['error500', 500],
    ['error503', 503],
    ['throttle', 429],
  ] as const)('answers %s with %i and does not pass the request on', async (kind: FaultKind, status) => {
    const path = `/${uniqueName('faulted')}`;
    const faultProxy = await sinkProxy({ operations: ['http'], rates: { [kind]: 1 } });

    expect((await post(faultProxy, path)).status).toBe(status);
    expect(await sink.requests(path)).toEqual([]);
  });

  it('drops before forwarding (nothing received) and after (received, but the client sees an error)', async () => {
    const [before, after] = [`/${uniqueName('before')}`, `/${uniqueName('after')}`];
    const faultProxy = await sinkProxy({ operations: ['http'], rates: { dropBeforeForward: 1 } });
    await expect(post(faultProxy, before)).rejects.toThrow();
    faultProxy.setFaults({ operations: ['http'], rates: { dropAfterForward: 1 } });
    await expect(post(faultProxy, after, 'kept')).rejects.toThrow();

    expect(await sink.requests(before)).toEqual([]);
    expect((await sink.requests(after)).map((request) => request.bytes.toString())).toEqual(['kept']);
    expect(faultProxy.counters('http').faults).toMatchObject({ dropBeforeForward: 1, dropAfterForward: 1 });
  });

  it("answers late with the upstream's own answer when told to", async () => {
    const path = `/${uniqueName('late')}`;
    const faultProxy = await sinkProxy({ operations: ['http'], rates: { slow: 1 }, slow: { delayMs: 300, then: 'answer' } });
    const started = Date.now();

    const response = await post(faultProxy, path, 'late');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((await sink.requests(path)).map((request) => request.bytes.toString())).toEqual(['late']);
  });

  it("never faults the sink's control routes", async () => {
    const path = `/${uniqueName('control')}`;
    const faultProxy = await sinkProxy({ operations: ['http'], rates: { error500: 1 } });

    expect(await new HttpSinkClient(faultProxy.endpoint).requests(path)).toEqual([]);
    expect(faultProxy.counters('http.control')).toMatchObject({ requests: 1, forwarded: 1 });
  });

  it('draws the same faults from the same seed, and others from another', async () => {
    const statuses = async (seed: number) => {
      const path = `/${uniqueName('seeded')}`;
      const faultProxy = await sinkProxy({ operations: ['http'], rates: { error500: 0.2, error503: 0.2, throttle: 0.2 } }, seed);
      const seen: number[] = [];
      for (let request = 0; request < 30; request++) seen.push((await post(faultProxy, path)).status);
      expect(faultProxy.seed).toBe(seed);
      return seen;
    };

    const first = await statuses(11);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 503]));
    expect(await statuses(11)).toEqual(first);
    expect(await statuses(12)).not.toEqual(first);
  });
});

describe('TCP fault proxy in front of redis', () => {
  const directRedis = new Redis(redis.url);
  afterAll(() => directRedis.quit());

  /** A client that reports a dropped connection instead of reconnecting and sending again. */
  async function proxiedRedis(
    options: Partial<TcpFaultProxyOptions> = {},
    commandTimeout?: number,
  ): Promise<{ faultProxy: TcpFaultProxy; client: Redis }> {
    const faultProxy = await startTcpFaultProxy({ upstream: redis, ...options });
    const client = new Redis(faultProxy.url, {
      ...(commandTimeout === undefined ? {} : { commandTimeout }),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      lazyConnect: true,
    });
    // the drops are the point: the commands' rejections say so, the client's error events need not
    client.on('error', () => undefined);
    running.push(faultProxy, { stop: async () => client.disconnect() });
    await client.connect();
    await client.ping();
    return { faultProxy, client };
  }

  it('passes everything at rate 0', async () => {
    const key = uniqueName('key');
    const { faultProxy, client } = await proxiedRedis({ seed: 1 });

    await client.set(key, 'v');

    expect(await directRedis.get(key)).toBe('v');
    expect(faultProxy.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(faultProxy.counters()).toMatchObject({ connections: 1, faults: { slow: 0, dropBeforeForward: 0, dropAfterForward: 0 } });
    expect(faultProxy.counters().forwarded).toBe(faultProxy.counters().chunks);
  });

  it('drops before forwarding (nothing written) and after (written, the client sees the connection go)', async () => {
    const [lost, written] = [uniqueName('lost'), uniqueName('written')];
    const before = await proxiedRedis();
    before.faultProxy.setFaults({ rates: { dropBeforeForward: 1 } });
    await expect(before.client.rpush(lost, 'a')).rejects.toThrow();
    const after = await proxiedRedis();
    after.faultProxy.setFaults({ rates: { dropAfterForward: 1 } });
    await expect(after.client.rpush(written, 'a')).rejects.toThrow();

    expect(await directRedis.lrange(lost, 0, -1)).toEqual([]);
    expect(await directRedis.lrange(written, 0, -1)).toEqual(['a']);
    expect(before.faultProxy.counters().faults.dropBeforeForward).toBe(1);
    expect(after.faultProxy.counters().faults.dropAfterForward).toBe(1);
  });

  it("answers later than the client's timeout (written), or hangs (not written)", async () => {
    const [late, never] = [uniqueName('late'), uniqueName('never')];
    const slow = await proxiedRedis({}, 500);
    slow.faultProxy.setFaults({ rates: { slow: 1 }, slow: { delayMs: 60_000, then: 'answer' } });
    const hung = await proxiedRedis({}, 500);
    hung.faultProxy.setFaults({ rates: { slow: 1 }, slow: { delayMs: 0, then: 'hang' } });

    await expect(slow.client.rpush(late, 'a')).rejects.toThrow(/timed out/);
    await expect(hung.client.rpush(never, 'a')).rejects.toThrow(/timed out/);

    await expect.poll(() => directRedis.lrange(late, 0, -1)).toEqual(['a']);
    expect(await directRedis.lrange(never, 0, -1)).toEqual([]);
    expect(hung.faultProxy.counters()).toMatchObject({ faults: { slow: 1 } });
    expect(hung.faultProxy.counters().forwarded).toBe(hung.faultProxy.counters().chunks - 1);
  });
});
