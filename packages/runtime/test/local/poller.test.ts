import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateStreamCommand, DeleteStreamCommand, PutRecordCommand, RegisterStreamConsumerCommand } from '@aws-sdk/client-kinesis';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
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
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { aws, createTargetsTable, putTargets } from '../support/harness.js';
import { createStream } from '../support/kinesis.js';
import { bodiesIn, createQueue } from '../support/sqs.js';

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

async function putRecords(streamName: string, records: ReadonlyArray<{ key: string; data: string }>): Promise<void> {
  for (const { key, data } of records) await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: key, Data: Buffer.from(data) }));
}

/** What a scripted handler was given: one entry per invocation, the records' data as text. */
interface Invocations {
  batches: string[][];
  process(event: StreamEvent): Promise<BatchResponse>;
}

const textOf = (record: KinesisStreamRecord) => Buffer.from(record.kinesis.data, 'base64').toString('utf8');

/** A handler that records what it gets and answers as `answer` says (all delivered by default). */
function scriptedHandler(answer: (records: KinesisStreamRecord[], invocation: number) => BatchResponse | 'throw' = () => ({ batchItemFailures: [] })): Invocations {
  const batches: string[][] = [];
  return {
    batches,
    process: async (event) => {
      const records = event.Records as KinesisStreamRecord[];
      batches.push(records.map(textOf));
      const response = answer(records, batches.length);
      if (response === 'throw') throw new Error('the handler failed');
      return response;
    },
  };
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
    const keys: string[] = [];
    poller(functionName, {
      batches: [],
      process: async (event) => {
        keys.push(...(event.Records as DynamoDBRecord[]).map((record) => `${record.eventName} ${record.dynamodb!.Keys!.id!.S}`));
        return { batchItemFailures: [] };
      },
    });
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
