import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CreateStreamCommand, DeleteStreamCommand, DescribeStreamSummaryCommand, PutRecordCommand, RegisterStreamConsumerCommand } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';
import { createLogger } from '../../src/log/logger.js';
import { dynamodbStreamsReader } from '../../src/local/dynamodb-streams-reader.js';
import type { LocalStatus } from '../../src/config/contracts.js';
import { FileCheckpoints, LocalPoller, MemoryCheckpoints, ShardLags, startLocalMode, type Checkpoints, type LocalMode } from '../../src/local/index.js';
import { kinesisReader } from '../../src/local/kinesis-reader.js';
import { enabledStreamMappings } from '../../src/local/mappings.js';
import { onFailureSender, type InvocationRecord } from '../../src/local/on-failure.js';
import { pause } from '../../src/local/shard-run.js';
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { aws, createFailureBucket, createTargetsTable, putTargets } from '../support/harness.js';
import { createStream } from '../support/kinesis.js';
import { createSubscribedTopic } from '../support/sns.js';
import { bodiesIn, createQueue, drainQueue, sqsClient } from '../support/sqs.js';

const config = awsClientConfig(aws);
const lambda = new LambdaClient(config);
const kinesis = new Http1KinesisClient(config);

/** A function in moto with the environment the fanout function would have; it never runs there. */
async function createFanoutFunction(environment: Record<string, string> = {}): Promise<string> {
  const functionName = uniqueName('local');
  const { Role } = await new IAMClient(config).send(new CreateRoleCommand({ RoleName: `${functionName}Role`, AssumeRolePolicyDocument: '{}' }));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs22.x',
      Role: Role!.Arn!,
      Handler: 'index.handler',
      Timeout: 30,
      Environment: { Variables: environment },
      Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async () => ({ batchItemFailures: [] });') }) },
    }),
  );
  return functionName;
}

interface HookSettings {
  batchSize?: number;
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  maximumRetryAttempts?: number;
  reportsItemFailures?: boolean;
  /** Any other of the mapping's settings, as CreateEventSourceMapping takes them. */
  lambda?: Omit<CreateEventSourceMappingCommandInput, 'FunctionName' | 'EventSourceArn'>;
}

async function hook(functionName: string, sourceArn: string, settings: HookSettings = {}) {
  const { UUID } = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: functionName,
      EventSourceArn: sourceArn,
      BatchSize: settings.batchSize ?? 100,
      StartingPosition: settings.startingPosition ?? 'TRIM_HORIZON',
      FunctionResponseTypes: settings.reportsItemFailures === false ? [] : ['ReportBatchItemFailures'],
      ...(settings.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: settings.maximumRetryAttempts } : {}),
      ...settings.lambda,
    }),
  );
  return UUID!;
}

/**
 * Hooks the function to the stream through its enhanced fan-out consumer of that name, as Lambda
 * keeps such a mapping: EventSourceArn is the consumer's ARN. moto 5.2.5 registers the consumer but
 * takes a mapping of its streams' ARNs only (any other Kinesis ARN: ResourceNotFoundException
 * "Invalid EventSourceArn"), so a stand-in stream named STREAM/consumer/NAME, whose ARN is the
 * consumer's, exists while the mapping is made. Returns the consumer's ARN.
 */
async function hookThroughConsumer(functionName: string, stream: { name: string; arn: string }, consumerName: string, settings: HookSettings = {}): Promise<string> {
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: stream.arn, ConsumerName: consumerName }));
  const standIn = `${stream.name}/consumer/${consumerName}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: standIn, ShardCount: 1 }));
  try {
    await hook(functionName, Consumer!.ConsumerARN!, settings);
  } finally {
    await kinesis.send(new DeleteStreamCommand({ StreamName: standIn }));
  }
  return Consumer!.ConsumerARN!;
}

const dynamodb = new DynamoDBClient(config);

/** A table keyed by `id`, with a stream of the given view: the stream's ARN. */
async function createStreamedTable(streamViewType: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES'): Promise<{ tableName: string; streamArn: string }> {
  const tableName = uniqueName('orders');
  const { TableDescription } = await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType },
    }),
  );
  return { tableName, streamArn: TableDescription!.LatestStreamArn! };
}

/** Puts the records one after the other: their sequence numbers, in order. */
async function putRecords(streamName: string, records: ReadonlyArray<{ key: string; data: string }>): Promise<string[]> {
  const sequenceNumbers: string[] = [];
  for (const { key, data } of records) {
    const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: key, Data: Buffer.from(data) }));
    sequenceNumbers.push(SequenceNumber!);
  }
  return sequenceNumbers;
}

/** What a scripted handler was given: one entry per invocation, the records' data as text. */
interface Invocations {
  batches: string[][];
  process(event: StreamEvent): Promise<BatchResponse>;
}

const textOf = (record: KinesisStreamRecord) => Buffer.from(record.kinesis.data, 'base64').toString('utf8');

/** A handler that records what it gets and answers as `answer` says (all delivered by default). */
function scriptedHandler(
  answer: (records: KinesisStreamRecord[], invocation: number) => BatchResponse | 'throw' | Promise<BatchResponse> = () => ({ batchItemFailures: [] }),
): Invocations {
  const batches: string[][] = [];
  return {
    batches,
    process: async (event) => {
      const records = event.Records as KinesisStreamRecord[];
      batches.push(records.map(textOf));
      const response = await answer(records, batches.length);
      if (response === 'throw') throw new Error('the handler failed');
      return response;
    },
  };
}

/** A handler of DynamoDB stream events that notes each change as `EVENT id`, in the order given. */
function changesHandler(): { keys: string[]; handler: Invocations } {
  const keys: string[] = [];
  const handler: Invocations = {
    batches: [],
    process: async (event) => {
      keys.push(...(event.Records as DynamoDBRecord[]).map((record) => `${record.eventName} ${record.dynamodb!.Keys!.id!.S}`));
      return { batchItemFailures: [] };
    },
  };
  return { keys, handler };
}

const logs: Array<Record<string, unknown>> = [];
const log = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });

let running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.map((poller) => poller.stop()));
  running = [];
});

/** The positions shard iterators were taken at, in order: a test waits for the first before it puts records. */
const positionsTaken: string[] = [];

/**
 * A poller of the function's mappings over moto with a scripted handler, quick to notice changes
 * (or, with `refreshMs` large, noticing them only when the test calls refresh()).
 */
function poller(functionName: string, handler: Invocations, options: { checkpoints?: Checkpoints; refreshMs?: number; lags?: ShardLags } = {}): LocalPoller {
  const started = new LocalPoller({
    process: (event) => handler.process(event),
    mappings: () => enabledStreamMappings(lambda, functionName),
    readerFor: (sourceArn) => {
      const reader = sourceArn.includes(':dynamodb:') ? dynamodbStreamsReader(new DynamoDBStreamsClient(config), sourceArn) : kinesisReader(kinesis, sourceArn, 'arn:aws:iam::123456789012:role/test');
      return {
        ...reader,
        iterator: async (shardId, position) => {
          const iterator = await reader.iterator(shardId, position);
          positionsTaken.push(`${sourceArn} ${position.type}`);
          return iterator;
        },
      };
    },
    checkpoints: options.checkpoints ?? new MemoryCheckpoints(),
    sendOnFailure: onFailureSender((constructor, region) => new constructor({ region: region ?? config.region, endpoint: config.endpoint, credentials: async () => config.credentials })),
    // the function's timeout: a batch handed to a slow handler on a busy machine is not cut short
    timeoutMs: 120_000,
    log,
    ...(options.lags ? { lags: options.lags } : {}),
    refreshMs: options.refreshMs ?? 200,
    idleMs: 50,
    retryDelayMs: 20,
  });
  started.start();
  running.push(started);
  return started;
}

const sequence = (count: number, prefix = 'r') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);

describe('the local poller', () => {
  it('reads a hooked stream from its start in batches of the mapping\'s size, in order, each record once', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(7).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { batchSize: 3 });
    const handler = scriptedHandler();
    poller(functionName, handler);
    await expect.poll(() => handler.batches.flat()).toEqual(sequence(7));
    expect(handler.batches).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r6']]);
    // and what is put later arrives too
    await putRecords(stream.name, [{ key: 'k', data: 'later' }]);
    await expect.poll(() => handler.batches.at(-1)).toEqual(['later']);
  });

  it('retries a batch from the earliest record reported failed, never sending the ones before it again', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(4).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { batchSize: 4 });
    // the first invocation reports r3 and r2 failed: the next one must start at r2
    const handler = scriptedHandler((records, invocation) => ({
      batchItemFailures: invocation === 1 ? [records[3]!, records[2]!].map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })) : [],
    }));
    poller(functionName, handler);
    await expect.poll(() => handler.batches.length).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(handler.batches).toEqual([['r0', 'r1', 'r2', 'r3'], ['r2', 'r3']]);
  });

  it('retries the whole batch when the handler throws, and gives up after the mapping\'s MaximumRetryAttempts', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(2).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { maximumRetryAttempts: 2 });
    const handler = scriptedHandler((records) => (textOf(records[0]!) === 'after' ? { batchItemFailures: [] } : 'throw'));
    poller(functionName, handler);
    await expect.poll(() => handler.batches.length).toBe(3);
    // the first try and two retries, then on: a record put after is read
    await putRecords(stream.name, [{ key: 'k', data: 'after' }]);
    await expect.poll(() => handler.batches.at(-1)).toEqual(['after']);
    expect(handler.batches.slice(0, 3)).toEqual([['r0', 'r1'], ['r0', 'r1'], ['r0', 'r1']]);
    expect(logs.some((line) => line.level === 'error' && String(line.message).includes('MaximumRetryAttempts') && line.retries === 2)).toBe(true);
  });

  it('goes on after a restart from the checkpoints file, and stops reading a paused mapping until it is resumed', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(3).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    const mappingId = await hook(functionName, stream.arn);
    const file = join(mkdtempSync(join(tmpdir(), 'fanout-local-')), 'checkpoints.json');

    const first = scriptedHandler();
    const firstPoller = poller(functionName, first, { checkpoints: await FileCheckpoints.open(file) });
    await expect.poll(() => first.batches.flat()).toEqual(sequence(3));
    await firstPoller.stop();

    await putRecords(stream.name, [{ key: 'k', data: 'while-stopped' }]);
    const second = scriptedHandler();
    // refreshed by the test only, so that a pause is seen exactly when the test says
    const secondPoller = poller(functionName, second, { checkpoints: await FileCheckpoints.open(file), refreshMs: 600_000 });
    await expect.poll(() => second.batches.flat()).toEqual(['while-stopped']);

    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, Enabled: false }));
    await secondPoller.refresh();
    await putRecords(stream.name, [{ key: 'k', data: 'while-paused' }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.batches.flat()).toEqual(['while-stopped']);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, Enabled: true }));
    await secondPoller.refresh();
    await expect.poll(() => second.batches.flat()).toEqual(['while-stopped', 'while-paused']);
  });

  it('keeps each shard\'s lag: growing while its batch fails, 0 once the shard is read to its tip, the largest of the minute kept', async () => {
    const stream = await createStream();
    await putRecords(stream.name, [{ key: 'k', data: 'r0' }]);
    const functionName = await createFanoutFunction();
    const mappingId = await hook(functionName, stream.arn);
    let failing = true;
    const handler = scriptedHandler((records) => ({ batchItemFailures: failing ? [{ itemIdentifier: records[0]!.kinesis.sequenceNumber }] : [] }));
    const lags = new ShardLags();
    poller(functionName, handler, { lags });
    await expect.poll(() => handler.batches.length).toBeGreaterThanOrEqual(2);
    const [held] = lags.snapshot();
    expect(held).toMatchObject({ mappingId, sourceArn: stream.arn, shardId: expect.stringMatching(/^shardId-/) });
    await expect.poll(() => lags.snapshot()[0]!.millisBehind).toBeGreaterThan(held!.millisBehind + 300);
    failing = false;
    await expect.poll(() => lags.snapshot()[0]!.millisBehind).toBe(0);
    expect(Math.max(...lags.snapshot()[0]!.minutes.map(([, largest]) => largest))).toBeGreaterThan(held!.millisBehind + 300);
  });

  it('starts at the end of the stream for a LATEST mapping', async () => {
    const stream = await createStream();
    await putRecords(stream.name, [{ key: 'k', data: 'before' }]);
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { startingPosition: 'LATEST' });
    const handler = scriptedHandler();
    poller(functionName, handler);
    await expect.poll(() => positionsTaken).toContain(`${stream.arn} LATEST`);
    await putRecords(stream.name, [{ key: 'k', data: 'after' }]);
    await expect.poll(() => handler.batches.flat()).toEqual(['after']);
  });

  it('goes on with the other mappings when one stream cannot be read, and says so once', async () => {
    const gone = await createStream();
    const kept = await createStream();
    const functionName = await createFanoutFunction();
    await hook(functionName, gone.arn);
    await hook(functionName, kept.arn);
    await kinesis.send(new DeleteStreamCommand({ StreamName: gone.name }));
    const handler = scriptedHandler();
    poller(functionName, handler);
    await putRecords(kept.name, [{ key: 'k', data: 'still-read' }]);
    await expect.poll(() => handler.batches.flat()).toEqual(['still-read']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(logs.filter((line) => line.sourceArn === gone.arn && String(line.message).startsWith('could not list'))).toHaveLength(1);
  });

  it('ignores reported failures when the mapping does not ask for them, as Lambda does', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(2).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { reportsItemFailures: false });
    const handler = scriptedHandler((records) => ({ batchItemFailures: [{ itemIdentifier: records[0]!.kinesis.sequenceNumber }] }));
    poller(functionName, handler);
    await expect.poll(() => handler.batches.length).toBe(1);
    await putRecords(stream.name, [{ key: 'k', data: 'next' }]);
    await expect.poll(() => handler.batches).toEqual([['r0', 'r1'], ['next']]);
  });

  it('retries the whole batch when a reported failure names no record of it', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(3).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn);
    const handler = scriptedHandler((records, invocation) => ({
      batchItemFailures: invocation === 1 ? [{ itemIdentifier: records[2]!.kinesis.sequenceNumber }, { itemIdentifier: 'not-in-the-batch' }] : [],
    }));
    poller(functionName, handler);
    await expect.poll(() => handler.batches).toEqual([sequence(3), sequence(3)]);
  });

  it('restarts a mapping whose batch size changes, going on from its checkpoint', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(2).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    const mappingId = await hook(functionName, stream.arn, { batchSize: 10 });
    const handler = scriptedHandler();
    const started = poller(functionName, handler, { refreshMs: 600_000 });
    await expect.poll(() => handler.batches).toEqual([['r0', 'r1']]);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, BatchSize: 1 }));
    await started.refresh();
    await putRecords(stream.name, sequence(2, 'n').map((data) => ({ key: 'k', data })));
    await expect.poll(() => handler.batches).toEqual([['r0', 'r1'], ['n0'], ['n1']]);
  });

  it('reads a mapping through a stream consumer from the consumer\'s stream, with GetRecords; the events name the stream', async () => {
    const stream = await createStream();
    await putRecords(stream.name, sequence(3).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    const consumerArn = await hookThroughConsumer(functionName, stream, 'fanout', { batchSize: 2 });
    expect(consumerArn).toBe(`${stream.arn}/consumer/fanout`);
    expect(await enabledStreamMappings(lambda, functionName)).toEqual([expect.objectContaining({ sourceArn: stream.arn, batchSize: 2 })]);
    const sources: string[] = [];
    const handler = scriptedHandler((records) => {
      sources.push(...records.map((record) => record.eventSourceARN!));
      return { batchItemFailures: [] };
    });
    poller(functionName, handler);
    await expect.poll(() => handler.batches).toEqual([['r0', 'r1'], ['r2']]);
    expect(new Set(sources)).toEqual(new Set([stream.arn]));
  });

  it('polls a DynamoDB stream too, a batch size over what one read gives taken as reads of 1,000', async () => {
    const { tableName, streamArn } = await createStreamedTable('NEW_IMAGE');
    for (const id of ['a', 'b', 'c']) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id } } }));
    const functionName = await createFanoutFunction();
    await hook(functionName, streamArn, { batchSize: 5_000 });
    const { keys, handler } = changesHandler();
    poller(functionName, handler);
    await expect.poll(() => keys).toEqual(['INSERT a', 'INSERT b', 'INSERT c']);
  });

  it('gives DynamoDB stream records as Lambda does: images in DynamoDB JSON, binary values in base64', async () => {
    const { tableName, streamArn } = await createStreamedTable('NEW_AND_OLD_IMAGES');
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: 'o-1' }, total: { N: '12.50' }, blob: { B: Buffer.from([0, 1, 254, 255]) } } }));
    const reader = dynamodbStreamsReader(new DynamoDBStreamsClient(config), streamArn);
    const [shard] = await reader.shards();
    const { records } = await reader.read(shard!.id, await reader.iterator(shard!.id, { type: 'TRIM_HORIZON' }), 100);
    expect(records).toHaveLength(1);
    const record = records[0] as DynamoDBRecord;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: aws.regions[0],
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { id: { S: 'o-1' } },
        NewImage: { id: { S: 'o-1' }, total: { N: '12.50' }, blob: { B: Buffer.from([0, 1, 254, 255]).toString('base64') } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(typeof record.dynamodb!.ApproximateCreationDateTime).toBe('number');
    expect(record.dynamodb!.SequenceNumber).toMatch(/^\d+$/);
  });
});

describe('local mode', () => {
  it('runs the deployed function\'s code on its mappings: records put in the stream arrive in the target queue, byte for byte', async () => {
    const table = await createTargetsTable();
    const functionName = await createFanoutFunction({ TARGETS_TABLE: table, CONFIG_TTL_SECONDS: '0', LOG_LEVEL: 'silent' });
    const stream = await createStream();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn: stream.arn, id: 'copy', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    await hook(functionName, stream.arn, { batchSize: 2 });
    const bodies = ['{"order":1}', 'plain text', '{"order":3,"total":12.50}'];
    await putRecords(stream.name, bodies.map((data, index) => ({ key: `k${index}`, data })));

    const local: LocalMode = await startLocalMode({ functionName, region: aws.regions[0], refreshMs: 200 });
    running.push(local);
    const received: Array<string | undefined> = [];
    await expect
      .poll(
        async () => {
          received.push(...(await bodiesIn(queueUrl)));
          return received;
        },
        { interval: 300 },
      )
      .toHaveLength(3);
    // a standard queue keeps no order
    expect(received.sort()).toEqual([...bodies].sort());
  });

  it('writes its status file while it runs, each shard\'s lag in it, and removes it when stopped', async () => {
    const table = await createTargetsTable();
    const functionName = await createFanoutFunction({ TARGETS_TABLE: table, LOG_LEVEL: 'silent' });
    const stream = await createStream();
    await hook(functionName, stream.arn);
    await putRecords(stream.name, [{ key: 'k', data: 'one' }]);
    const statusFile = join(mkdtempSync(join(tmpdir(), 'fanout-status-')), 'status', 'fanout.json');
    const local = await startLocalMode({ functionName, region: aws.regions[0], statusFile, refreshMs: 200 });
    const status = () => (existsSync(statusFile) ? (JSON.parse(readFileSync(statusFile, 'utf8')) as LocalStatus) : undefined);
    await expect.poll(() => status()?.shards, { timeout: 60_000 }).toEqual([expect.objectContaining({ sourceArn: stream.arn, millisBehind: 0 })]);
    expect(status()).toMatchObject({ fanoutLocalStatus: 1, functionName });
    await local.stop();
    expect(existsSync(statusFile)).toBe(false);
  });
});

/** A queue for a mapping's on-failure destination: its URL and ARN. */
async function createDestinationQueue(): Promise<{ url: string; arn: string }> {
  const url = await createQueue();
  const { Attributes } = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: Attributes!.QueueArn! };
}

/** The invocation records in a queue, as they arrive: waits until `count` came (with a generous ceiling), keeping what came before. */
async function invocationRecordsIn(queueUrl: string, count: number): Promise<InvocationRecord[]> {
  const received: InvocationRecord[] = [];
  await expect
    .poll(
      async () => {
        received.push(...(await drainQueue(queueUrl)).map((message) => JSON.parse(message.Body!) as InvocationRecord));
        return received.length;
      },
      { timeout: 30_000, interval: 300 },
    )
    .toBeGreaterThanOrEqual(count);
  return received;
}

async function functionArnOf(functionName: string): Promise<string> {
  const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  return Configuration!.FunctionArn!;
}

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('the local poller, with the mapping\'s other settings', () => {
  it('reads every setting of a mapping from ListEventSourceMappings (moto keeps them all), and Lambda\'s defaults where none was given', async () => {
    const stream = await createStream();
    const functionName = await createFanoutFunction();
    const queue = await createDestinationQueue();
    const pattern = JSON.stringify({ data: { kind: ['order'] } });
    await hook(functionName, stream.arn, {
      lambda: {
        MaximumRecordAgeInSeconds: 120,
        BisectBatchOnFunctionError: true,
        DestinationConfig: { OnFailure: { Destination: queue.arn } },
        ParallelizationFactor: 4,
        MaximumBatchingWindowInSeconds: 7,
        FilterCriteria: { Filters: [{ Pattern: pattern }] },
      },
    });
    const plain = await createStream();
    await hook(functionName, plain.arn);
    const mappings = await enabledStreamMappings(lambda, functionName);
    expect(mappings.find((mapping) => mapping.sourceArn === stream.arn)).toMatchObject({
      functionArn: await functionArnOf(functionName),
      maximumRecordAgeSeconds: 120,
      bisectOnError: true,
      onFailureDestination: queue.arn,
      parallelizationFactor: 4,
      batchingWindowMs: 7_000,
      filterPatterns: [pattern],
    });
    expect(mappings.find((mapping) => mapping.sourceArn === plain.arn)).toMatchObject({
      maximumRecordAgeSeconds: -1,
      bisectOnError: false,
      onFailureDestination: undefined,
      parallelizationFactor: 1,
      batchingWindowMs: 0,
      filterPatterns: [],
    });
  });

  it('splits a batch the function fails on in two, again and again, until the poisoned record is alone; the good records are delivered, the poisoned one goes to the destination', async () => {
    const stream = await createStream();
    const sequenceNumbers = await putRecords(stream.name, sequence(8).map((data) => ({ key: 'k', data: data === 'r5' ? 'poison' : data })));
    const functionName = await createFanoutFunction();
    const queue = await createDestinationQueue();
    await hook(functionName, stream.arn, {
      batchSize: 8,
      maximumRetryAttempts: 0,
      lambda: { BisectBatchOnFunctionError: true, DestinationConfig: { OnFailure: { Destination: queue.arn } } },
    });
    const delivered: string[] = [];
    const handler = scriptedHandler((records) => {
      const texts = records.map(textOf);
      if (texts.includes('poison')) return 'throw';
      delivered.push(...texts);
      return { batchItemFailures: [] };
    });
    poller(functionName, handler);
    const [record] = await invocationRecordsIn(queue.url, 1);
    await expect.poll(() => delivered).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r6', 'r7']);
    expect(handler.batches).toEqual([
      ['r0', 'r1', 'r2', 'r3', 'r4', 'poison', 'r6', 'r7'],
      ['r0', 'r1', 'r2', 'r3'],
      ['r4', 'poison', 'r6', 'r7'],
      ['r4', 'poison'],
      ['r4'],
      ['poison'],
      ['r6', 'r7'],
    ]);
    // the splits used no retry: the poisoned record alone failed once, with MaximumRetryAttempts 0; it was in 4 invocations
    expect(record!.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 });
    expect(record!.KinesisBatchInfo).toMatchObject({ batchSize: 1, startSequenceNumber: sequenceNumbers[5], endSequenceNumber: sequenceNumbers[5] });
  });

  it('sends Lambda\'s invocation record to the on-failure queue when the retries are spent, then goes on past the batch', async () => {
    const stream = await createStream();
    const sequenceNumbers = await putRecords(stream.name, sequence(3).map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    const queue = await createDestinationQueue();
    await hook(functionName, stream.arn, { maximumRetryAttempts: 1, lambda: { DestinationConfig: { OnFailure: { Destination: queue.arn } } } });
    const handler = scriptedHandler((records) => (textOf(records[0]!) === 'after' ? { batchItemFailures: [] } : 'throw'));
    const before = Date.now();
    poller(functionName, handler);
    const [record, ...others] = await invocationRecordsIn(queue.url, 1);
    expect(others).toEqual([]);
    expect(Object.keys(record!).sort()).toEqual(['KinesisBatchInfo', 'requestContext', 'responseContext', 'timestamp', 'version']);
    expect(record).toEqual({
      requestContext: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), functionArn: await functionArnOf(functionName), condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: expect.stringMatching(isoTime),
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: sequenceNumbers[0],
        endSequenceNumber: sequenceNumbers[2],
        approximateArrivalOfFirstRecord: expect.stringMatching(isoTime),
        approximateArrivalOfLastRecord: expect.stringMatching(isoTime),
        batchSize: 3,
        streamArn: stream.arn,
      },
    });
    const info = record!.KinesisBatchInfo!;
    expect(Date.parse(info.approximateArrivalOfFirstRecord)).toBeLessThanOrEqual(Date.parse(info.approximateArrivalOfLastRecord));
    expect(Date.parse(record!.timestamp)).toBeGreaterThanOrEqual(before);
    // the batch is passed: what comes after it is read
    await putRecords(stream.name, [{ key: 'k', data: 'after' }]);
    await expect.poll(() => handler.batches.at(-1)).toEqual(['after']);
    expect(handler.batches.slice(0, 2)).toEqual([sequence(3), sequence(3)]);
  });

  it('publishes the invocation record to an SNS destination', async () => {
    const stream = await createStream();
    const [sequenceNumber] = await putRecords(stream.name, [{ key: 'k', data: 'r0' }]);
    const functionName = await createFanoutFunction();
    const topic = await createSubscribedTopic();
    await hook(functionName, stream.arn, { maximumRetryAttempts: 0, lambda: { DestinationConfig: { OnFailure: { Destination: topic.topicArn } } } });
    poller(functionName, scriptedHandler(() => 'throw'));
    const [record] = await invocationRecordsIn(topic.queueUrl, 1);
    expect(record!.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(record!.KinesisBatchInfo).toMatchObject({ startSequenceNumber: sequenceNumber, endSequenceNumber: sequenceNumber, batchSize: 1, streamArn: stream.arn });
  });

  it('reads the shards of a stream at once: a batch held on one shard does not hold the other', async () => {
    const name = uniqueName('two-shards');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const streamArn = StreamDescriptionSummary!.StreamARN!;
    // a hash key in each half of the range: one record in each shard
    for (const [data, hashKey] of [['first-shard', '0'], ['second-shard', (2n ** 127n + 1n).toString()]]) {
      await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: data!, ExplicitHashKey: hashKey, Data: Buffer.from(data!) }));
    }
    const functionName = await createFanoutFunction();
    await hook(functionName, streamArn);
    const secondSeen = new AbortController();
    const finished: string[] = [];
    const handler = scriptedHandler(async ([record]) => {
      const text = textOf(record!);
      if (text === 'second-shard') secondSeen.abort();
      // the first shard's batch is held until the second shard's arrives (or a generous ceiling passes)
      else await pause(20_000, secondSeen.signal);
      finished.push(text);
      return { batchItemFailures: [] };
    });
    poller(functionName, handler);
    await expect.poll(() => finished.length, { timeout: 30_000 }).toBe(2);
    expect(finished).toEqual(['second-shard', 'first-shard']);
  });

  it('writes the invocation record with the event to an S3 destination, under Lambda\'s key, for a DynamoDB stream (DDBStreamBatchInfo)', async () => {
    const { tableName, streamArn } = await createStreamedTable('NEW_IMAGE');
    for (const id of ['a', 'b']) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id } } }));
    const functionName = await createFanoutFunction();
    const bucketArn = await createFailureBucket();
    const bucket = bucketArn.split(':::')[1]!;
    const mappingId = await hook(functionName, streamArn, { maximumRetryAttempts: 0, lambda: { DestinationConfig: { OnFailure: { Destination: bucketArn } } } });
    poller(functionName, scriptedHandler(() => 'throw'));
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const keys = async () => (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((object) => object.Key!) ?? [];
    await expect.poll(keys, { timeout: 30_000, interval: 300 }).toHaveLength(1);
    const [key] = await keys();
    expect(key).toMatch(new RegExp(`^aws/lambda/${mappingId}/[^/]+/\\d{4}/\\d\\d/\\d\\d/\\d{4}-\\d\\d-\\d\\dT\\d\\d\\.\\d\\d\\.\\d\\d-[0-9a-f-]{36}$`));
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const document = JSON.parse(await Body!.transformToString()) as InvocationRecord & { payload: { Records: DynamoDBRecord[] } };
    const reader = dynamodbStreamsReader(new DynamoDBStreamsClient(config), streamArn);
    const [shard] = await reader.shards();
    const records = (await reader.read(shard!.id, await reader.iterator(shard!.id, { type: 'TRIM_HORIZON' }), 100)).records as DynamoDBRecord[];
    expect(key!.split('/')[3]).toBe(shard!.id);
    expect(document.DDBStreamBatchInfo).toMatchObject({
      shardId: shard!.id,
      startSequenceNumber: records[0]!.dynamodb!.SequenceNumber,
      endSequenceNumber: records[1]!.dynamodb!.SequenceNumber,
      batchSize: 2,
      streamArn,
    });
    expect(document.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 });
    expect(document.payload.Records.map((record) => record.dynamodb!.Keys!.id!.S)).toEqual(['a', 'b']);
  });

  it('sends records older than MaximumRecordAgeInSeconds to the destination without invoking the function, and delivers the newer ones', async () => {
    const stream = await createStream();
    const sequenceNumbers = await putRecords(stream.name, sequence(2, 'old').map((data) => ({ key: 'k', data })));
    const functionName = await createFanoutFunction();
    const queue = await createDestinationQueue();
    // Lambda takes 60 s at the least; moto takes any age, and the poller applies the one given
    const maxAgeSeconds = 4;
    await hook(functionName, stream.arn, { lambda: { MaximumRecordAgeInSeconds: maxAgeSeconds, DestinationConfig: { OnFailure: { Destination: queue.arn } } } });
    // setup, not an assertion: the records are older than the mapping keeps when the poller starts
    await new Promise((resolve) => setTimeout(resolve, maxAgeSeconds * 1000 + 500));
    const handler = scriptedHandler();
    poller(functionName, handler);
    const [record] = await invocationRecordsIn(queue.url, 1);
    expect(record!.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
    expect(record!.responseContext).toEqual({ statusCode: 0, executedVersion: '', functionError: '' });
    expect(record!.KinesisBatchInfo).toMatchObject({ batchSize: 2, startSequenceNumber: sequenceNumbers[0], endSequenceNumber: sequenceNumbers[1] });
    await putRecords(stream.name, [{ key: 'k', data: 'new' }]);
    await expect.poll(() => handler.batches).toEqual([['new']]);
  });

  it('processes up to ParallelizationFactor batches of a shard at once, each partition key\'s records in order, each once', async () => {
    const stream = await createStream();
    const keys = Array.from({ length: 12 }, (_, index) => `key-${index}`);
    const records = Array.from({ length: 5 }, (_, round) => keys.map((key) => ({ key, data: `${key}/${round}` }))).flat();
    await putRecords(stream.name, records);
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { batchSize: 3, lambda: { ParallelizationFactor: 4 } });
    let active = 0;
    let mostAtOnce = 0;
    const overlapSeen = new AbortController();
    const received = new Map<string, number[]>();
    const handler = scriptedHandler(async (batch) => {
      active += 1;
      mostAtOnce = Math.max(mostAtOnce, active);
      if (active >= 2) overlapSeen.abort();
      // each invocation waits for a second one to start (the event that shows overlap), with a generous ceiling
      await pause(20_000, overlapSeen.signal);
      for (const record of batch) {
        const [key, round] = textOf(record).split('/');
        received.set(key!, [...(received.get(key!) ?? []), Number(round)]);
      }
      active -= 1;
      return { batchItemFailures: [] };
    });
    poller(functionName, handler);
    await expect.poll(() => handler.batches.flat().length, { timeout: 60_000 }).toBe(records.length);
    expect(mostAtOnce).toBeGreaterThanOrEqual(2);
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    for (const key of keys) expect(received.get(key), key).toEqual([0, 1, 2, 3, 4]);
    expect(handler.batches.every((batch) => batch.length <= 3)).toBe(true);
  });

  it('checkpoints a parallel shard only up to the lowest record not done', async () => {
    const stream = await createStream();
    // two keys that go to different lanes of 10
    const sequenceNumbers = await putRecords(stream.name, [
      { key: 'slow', data: 'slow' },
      { key: 'fast-1', data: 'fast' },
    ]);
    const functionName = await createFanoutFunction();
    const mappingId = await hook(functionName, stream.arn, { batchSize: 1, lambda: { ParallelizationFactor: 10 } });
    const release = new AbortController();
    const checkpoints = new MemoryCheckpoints();
    const finished: string[] = [];
    const handler = scriptedHandler(async (batch) => {
      if (textOf(batch[0]!) === 'slow') await pause(30_000, release.signal);
      finished.push(textOf(batch[0]!));
      return { batchItemFailures: [] };
    });
    poller(functionName, handler, { checkpoints });
    await expect.poll(() => handler.batches.flat().sort()).toEqual(['fast', 'slow']);
    await expect.poll(() => finished).toEqual(['fast']);
    // the later record is done, the earlier is not: no checkpoint yet
    expect(checkpoints.get(mappingId, 'shardId-000000000000')).toBeUndefined();
    release.abort();
    await expect.poll(() => checkpoints.get(mappingId, 'shardId-000000000000')).toBe(sequenceNumbers[1]);
  });

  it('gathers records arriving slowly for MaximumBatchingWindowInSeconds, and invokes once with them all', async () => {
    const stream = await createStream();
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { lambda: { MaximumBatchingWindowInSeconds: 5 } });
    const handler = scriptedHandler();
    poller(functionName, handler);
    await expect.poll(() => positionsTaken).toContain(`${stream.arn} TRIM_HORIZON`);
    for (const data of ['w0', 'w1', 'w2']) {
      await putRecords(stream.name, [{ key: 'k', data }]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await expect.poll(() => handler.batches, { timeout: 20_000 }).toEqual([['w0', 'w1', 'w2']]);
    await putRecords(stream.name, [{ key: 'k', data: 'next' }]);
    await expect.poll(() => handler.batches, { timeout: 20_000 }).toEqual([['w0', 'w1', 'w2'], ['next']]);
  });

  it('cuts a batch before its event passes Lambda\'s 6 MB', async () => {
    const stream = await createStream();
    // 1,000,000 bytes each, about 1.33 MB in base64: four make an event of 5.3 MB, a fifth would pass 6 MB
    const megabyte = 'x'.repeat(1_000_000);
    await putRecords(stream.name, Array.from({ length: 7 }, (_, index) => ({ key: 'k', data: `${index}${megabyte.slice(1)}` })));
    const functionName = await createFanoutFunction();
    await hook(functionName, stream.arn, { batchSize: 100 });
    const sizes: number[][] = [];
    const handler = scriptedHandler((records) => {
      sizes.push(records.map((record) => Number(textOf(record)[0])));
      return { batchItemFailures: [] };
    });
    poller(functionName, handler);
    await expect.poll(() => sizes.flat(), { timeout: 30_000 }).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sizes).toEqual([[0, 1, 2, 3], [4, 5, 6]]);
  });

  it('sends the function only the records that match one of the mapping\'s filters; the others count as processed', async () => {
    const stream = await createStream();
    const records = [
      { key: 'k', data: '{"kind":"order","total":12}', matches: true }, // numeric range and exact value
      { key: 'k', data: '{"kind":"order","total":5}', matches: false },
      { key: 'vip-7', data: 'plain text', matches: true }, // prefix on the partition key
      { key: 'k', data: 'plain text', matches: false },
      { key: 'k', data: '{"region":"us","city":"paris"}', matches: true }, // anything-but, equals-ignore-case, exists: false
      { key: 'k', data: '{"region":"eu","city":"paris"}', matches: false },
      { key: 'k', data: '{"region":"us","city":"PARIS","note":"x"}', matches: false },
      { key: 'k', data: '{"file":"cat.png"}', matches: true }, // suffix
      { key: 'k', data: '{"file":"cat.jpg"}', matches: false },
    ];
    const sequenceNumbers = await putRecords(stream.name, records);
    const functionName = await createFanoutFunction();
    const patterns = [
      { data: { kind: ['order'], total: [{ numeric: ['>', 10, '<=', 100] }] } },
      { partitionKey: [{ prefix: 'vip-' }] },
      { data: { region: [{ 'anything-but': ['eu'] }], city: [{ 'equals-ignore-case': 'Paris' }], note: [{ exists: false }] } },
      { data: { file: [{ suffix: '.png' }] } },
    ];
    const mappingId = await hook(functionName, stream.arn, { lambda: { FilterCriteria: { Filters: patterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) } } });
    const checkpoints = new MemoryCheckpoints();
    const handler = scriptedHandler();
    poller(functionName, handler, { checkpoints });
    // the last record matches nothing: the shard's checkpoint passes it all the same
    await expect.poll(() => checkpoints.get(mappingId, 'shardId-000000000000')).toBe(sequenceNumbers.at(-1));
    expect(handler.batches.flat()).toEqual(records.filter((record) => record.matches).map((record) => record.data));
  });

  it('filters DynamoDB stream records on eventName and the new image, in DynamoDB JSON', async () => {
    const { tableName, streamArn } = await createStreamedTable('NEW_IMAGE');
    for (const [id, status] of [['a', 'active'], ['b', 'closed'], ['c', 'active']] as const) {
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id }, status: { S: status } } }));
    }
    await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: 'a' }, status: { S: 'active' }, again: { BOOL: true } } }));
    const functionName = await createFanoutFunction();
    await hook(functionName, streamArn, {
      lambda: { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['active'] } } } }) }] } },
    });
    const { keys, handler } = changesHandler();
    poller(functionName, handler);
    await expect.poll(() => keys).toEqual(['INSERT a', 'INSERT c']);
  });
});
