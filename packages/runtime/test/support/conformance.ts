import { isUtf8 } from 'node:buffer';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { SourceKind, TargetRowInput } from '../../src/config/schema.js';
import type { RecordAction } from '../../src/records/index.js';
import { ES_MAX_BULK_ACTIONS } from '../../src/targets/es/index.js';
import { FIREHOSE_MAX_BATCH_ENTRIES } from '../../src/targets/firehose/index.js';
import { KINESIS_MAX_BATCH_ENTRIES } from '../../src/targets/kinesis/index.js';
import { LAMBDA_ASYNC_MAX_PAYLOAD_BYTES } from '../../src/targets/lambda/index.js';
import { MEMCACHED_MAX_BATCH_COMMANDS } from '../../src/targets/memcached/index.js';
import { REDIS_MAX_PIPELINE_COMMANDS } from '../../src/targets/redis/index.js';
import { SNS_MAX_BATCH_ENTRIES } from '../../src/targets/sns/index.js';
import { SQS_MAX_BATCH_ENTRIES } from '../../src/targets/sqs/index.js';
import type { TargetTypeName } from '../../src/targets/registry.js';
import { createS3DeliveryStream, objectsInCallOrder } from './firehose.js';
import { kinesisDocument, sink, uniqueSinkPath } from './http.js';
import { iotDestination, publishedTo, uniqueTopic } from './iot.js';
import { testbedMemcached, testbedRedis, type TestbedStore } from './key-value-target.js';
import { createStream, readStream } from './kinesis.js';
import { createFunction, invocationsOf } from './lambda.js';
import { OPENSEARCH_ENDPOINT, createUnmappedIndex, storedSource, uniqueIndex } from './opensearch.js';
import { createSubscribedTopic } from './sns.js';
import { createQueue, drainQueue } from './sqs.js';

/**
 * One record as a user finds it at a destination: its bytes, and what else the destination keeps
 * of it (a partition key, the sequence numbers, the change it was).
 */
export interface Delivered {
  data: Buffer;
  key?: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
  action?: RecordAction;
}

/** A record a test sent, as a target sees it: a Kinesis record, a KPL user record or a DynamoDB change. */
export interface SentRecord extends Delivered {
  /** The partition key (a KPL user record's own), or the DynamoDB key values joined with `|`. */
  key: string;
  /** The event record's (an aggregate's, for its user records). */
  sequenceNumber: string;
  action: RecordAction;
}

/** Comparing what arrived with what should have; `any order` where the target sends concurrently. */
export type ArrivalOrder = 'in order' | 'any order';

export interface Observation {
  arrived: unknown;
  expected: unknown;
}

export interface ConformanceDestination {
  /** The target row's destination. */
  destination: string;
  /**
   * What a user sees at the destination now, next to what they should see after `sent` was
   * delivered there (by every test so far on this destination), for `toEqual`.
   */
  observe(sent: readonly SentRecord[], source: SourceKind, order: ArrivalOrder): Promise<Observation>;
}

export interface MessageDestination extends ConformanceDestination {
  /** The messages (bodies, payloads, request bodies) as they arrived, oldest first. */
  messages(): Promise<Buffer[]>;
}

export interface ConformanceTarget<Destination extends ConformanceDestination = ConformanceDestination> {
  type: TargetTypeName;
  /** Row fields this type's cases take besides sourceArn, id, type, destination and active. */
  rowOptions: Partial<TargetRowInput>;
  /** Records, each padded with this many bytes, that take several calls of this type's API. */
  severalBatches: { records: number; paddingBytes: number };
  createDestination(): Promise<Destination>;
  /** For the types with collapse modes. */
  collapse?: CollapseBehaviour;
}

export interface CollapseBehaviour {
  /** The message a Kinesis record makes alone (collapse none), which is also its element of collapse JSON. */
  messageOf(record: KinesisStreamRecord): Buffer;
  /** Whether collapse none and concat carry bytes that are not UTF-8 (message services take text only). */
  takesBinary: boolean;
}

export interface CollapsibleTarget extends ConformanceTarget<MessageDestination> {
  collapse: CollapseBehaviour;
}

export function isCollapsible(target: ConformanceTarget): target is CollapsibleTarget {
  return target.collapse !== undefined;
}

/** Bytes as a failed comparison can show them: UTF-8 text as it is, other bytes in base64. */
export function readable(bytes: Buffer | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  return isUtf8(bytes) ? bytes.toString('utf8') : `(not UTF-8, in base64) ${bytes.toString('base64')}`;
}

/** What a destination keeps of a record besides its bytes. */
type Shown = 'key' | 'sequenceNumber' | 'subSequenceNumber' | 'action';

const byData = (a: Delivered, b: Delivered) => Buffer.compare(a.data, b.data);

/**
 * A destination where records arrive one after the other (a queue, a stream, a topic, an
 * endpoint): the user sees the records in arrival order, each with what `shows` names of it.
 */
function arrivalsDestination(
  destination: string,
  read: () => Promise<Delivered[]>,
  shows: Record<SourceKind, readonly Shown[]>,
): ConformanceDestination {
  return {
    destination,
    async observe(sent, source, order) {
      const seen = (records: Delivered[]) =>
        (order === 'in order' ? records : [...records].sort(byData)).map((record) => ({
          data: readable(record.data),
          ...Object.fromEntries(shows[source].map((field) => [field, record[field]])),
        }));
      return { arrived: seen(await read()), expected: seen([...sent]) };
    },
  };
}

function messagesDestination(
  destination: string,
  messages: () => Promise<Buffer[]>,
  recordOf: (message: Buffer) => Delivered,
  shows: Record<SourceKind, readonly Shown[]>,
): MessageDestination {
  return {
    ...arrivalsDestination(destination, async () => (await messages()).map(recordOf), shows),
    messages,
  };
}

/**
 * A destination that keeps one value per key (a document store, a cache): the user sees the
 * value under each key, the last record's, or nothing after a REMOVE.
 */
function keyedDestination(
  destination: string,
  valueOf: (key: string) => Promise<Buffer | undefined>,
  keyOf: (record: SentRecord) => string,
): ConformanceDestination {
  return {
    destination,
    // a store keeps no order: what it shows is the outcome of the order the records came in
    async observe(sent) {
      const expected = new Map<string, string | undefined>();
      for (const record of sent) expected.set(keyOf(record), record.action === 'REMOVE' ? undefined : readable(record.data));
      const arrived = await Promise.all([...expected.keys()].map(async (key) => [key, readable(await valueOf(key))] as const));
      return { arrived: Object.fromEntries(arrived), expected: Object.fromEntries(expected) };
    },
  };
}

const dataOnly: Record<SourceKind, readonly Shown[]> = { kinesis: [], dynamodb: [] };

/** Every message a queue received so far (reading a queue empties it: what was read is kept). */
function queueMessages(queueUrl: string): () => Promise<Buffer[]> {
  const received: Buffer[] = [];
  return async () => {
    received.push(...(await drainQueue(queueUrl)).map((message) => Buffer.from(message.Body ?? '', 'utf8')));
    return [...received];
  };
}

const asData = (message: Buffer): Delivered => ({ data: message });

/** A Kinesis record's bytes: the message SNS, SQS and IoT make of it. */
const kinesisData = (record: KinesisStreamRecord): Buffer => Buffer.from(record.kinesis.data, 'base64');

/** The image a DynamoDB change carries as a record's data: the new one, the old one for REMOVE. */
function changeData(record: DynamoDBRecord): Buffer {
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  return Buffer.from(JSON.stringify(image));
}

/** An HTTP body's Kinesis record document (subSequenceNumber on KPL user records). */
interface KinesisDocument {
  partitionKey: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}

/**
 * A record as Lambda's event gives it to a function (a Kinesis or DynamoDB event record), or as an
 * http target's body gives it (a Kinesis record document, or the DynamoDB event record).
 */
function deliveredOf(document: KinesisStreamRecord | DynamoDBRecord | KinesisDocument): Delivered {
  if ('kinesis' in document) {
    const { kinesis } = document;
    return { data: Buffer.from(kinesis.data, 'base64'), key: kinesis.partitionKey, sequenceNumber: kinesis.sequenceNumber, action: 'PUT' };
  }
  if ('partitionKey' in document) {
    const { data, partitionKey, sequenceNumber, subSequenceNumber } = document;
    return { data: Buffer.from(data, 'base64'), key: partitionKey, sequenceNumber, subSequenceNumber };
  }
  return { data: changeData(document), sequenceNumber: document.dynamodb?.SequenceNumber, action: document.eventName };
}

/**
 * Records for three calls: twice a call's worth of entries and one more. A store that writes only
 * the last record of each key (redis, memcached) makes an entry of each key: the ordering case
 * gives every other record a key of its own, so it takes two records an entry there.
 */
function overTwoCalls(entriesPerCall: number, recordsPerEntry = 1): ConformanceTarget['severalBatches'] {
  return { records: (entriesPerCall * 2 + 1) * recordsPerEntry, paddingBytes: 0 };
}

/** Types that send one message per call (iot, http): a few calls show the order. */
const ONE_ENTRY_PER_CALL_RECORDS = 20;

const stores: TestbedStore[] = [];

/** Closes the connections the redis and memcached destinations read through; call after the tests. */
export async function closeConformanceReaders(): Promise<void> {
  await Promise.all(stores.splice(0).map((store) => store.close()));
}

/** A redis or memcached destination: the value under each record's key. */
function storeDestination(open: () => TestbedStore): () => Promise<ConformanceDestination> {
  let store: TestbedStore | undefined;
  return async () => {
    if (!store) stores.push((store = open()));
    return keyedDestination(store.destination, store.read, (record) => record.key);
  };
}

const SNS: CollapsibleTarget = {
  type: 'sns',
  rowOptions: { collapse: 'none' },
  severalBatches: overTwoCalls(SNS_MAX_BATCH_ENTRIES),
  collapse: { messageOf: kinesisData, takesBinary: false },
  async createDestination() {
    // a queue subscribed with raw message delivery receives each message as published, in order
    const { topicArn, queueUrl } = await createSubscribedTopic();
    return messagesDestination(topicArn, queueMessages(queueUrl), asData, dataOnly);
  },
};

const SQS: CollapsibleTarget = {
  type: 'sqs',
  rowOptions: { collapse: 'none' },
  severalBatches: overTwoCalls(SQS_MAX_BATCH_ENTRIES),
  collapse: { messageOf: kinesisData, takesBinary: false },
  async createDestination() {
    // moto's standard queues hand messages out in the order they were sent
    const queueUrl = await createQueue();
    return messagesDestination(queueUrl, queueMessages(queueUrl), asData, dataOnly);
  },
};

const ES: ConformanceTarget = {
  type: 'es',
  rowOptions: {},
  severalBatches: overTwoCalls(ES_MAX_BULK_ACTIONS),
  async createDestination() {
    const index = uniqueIndex();
    await createUnmappedIndex(index);
    return keyedDestination(
      `${OPENSEARCH_ENDPOINT}#${index}`,
      (id) => storedSource(index, id),
      // the document id: the DynamoDB key, else the sequence number, with the sub-sequence number for a KPL user record
      (record) =>
        record.action !== 'PUT'
          ? record.key
          : record.subSequenceNumber === undefined
            ? record.sequenceNumber
            : `${record.sequenceNumber}-${record.subSequenceNumber}`,
    );
  },
};

const KINESIS: ConformanceTarget = {
  type: 'kinesis',
  rowOptions: {},
  severalBatches: overTwoCalls(KINESIS_MAX_BATCH_ENTRIES),
  async createDestination() {
    // one shard: the stream gives its records back in the order they were put
    const stream = await createStream();
    return arrivalsDestination(
      stream.name,
      async () => (await readStream(stream.name)).map(({ partitionKey, data }) => ({ data, key: partitionKey })),
      { kinesis: ['key'], dynamodb: ['key'] },
    );
  },
};

const FIREHOSE: ConformanceTarget = {
  type: 'firehose',
  rowOptions: {},
  severalBatches: overTwoCalls(FIREHOSE_MAX_BATCH_ENTRIES),
  async createDestination() {
    const stream = await createS3DeliveryStream();
    return arrivalsDestination(stream.name, async () => (await objectsInCallOrder(stream)).flatMap(({ records }) => records.map(asData)), dataOnly);
  },
};

const IOT: CollapsibleTarget = {
  type: 'iot',
  rowOptions: { collapse: 'none' },
  severalBatches: { records: ONE_ENTRY_PER_CALL_RECORDS, paddingBytes: 0 },
  collapse: { messageOf: kinesisData, takesBinary: true },
  async createDestination() {
    const topic = uniqueTopic();
    return messagesDestination(iotDestination(topic), async () => publishedTo(topic).map((request) => request.body), asData, dataOnly);
  },
};

const LAMBDA: ConformanceTarget = {
  type: 'lambda',
  rowOptions: {},
  // a record carries its padding once or twice (a MODIFY has the old and the new image): a payload takes two to five
  severalBatches: { records: 10, paddingBytes: Math.ceil(LAMBDA_ASYNC_MAX_PAYLOAD_BYTES / 6) },
  async createDestination() {
    const functionName = await createFunction();
    return arrivalsDestination(
      functionName,
      async () =>
        invocationsOf(functionName).flatMap((invocation) =>
          (JSON.parse(invocation.body.toString('utf8')) as { Records: Array<KinesisStreamRecord | DynamoDBRecord> }).Records.map(deliveredOf),
        ),
      { kinesis: ['key', 'sequenceNumber', 'action'], dynamodb: ['sequenceNumber', 'action'] },
    );
  },
};

const REDIS: ConformanceTarget = {
  type: 'redis',
  rowOptions: {},
  severalBatches: overTwoCalls(REDIS_MAX_PIPELINE_COMMANDS, 2),
  createDestination: storeDestination(testbedRedis),
};

const MEMCACHED: ConformanceTarget = {
  type: 'memcached',
  rowOptions: {},
  severalBatches: overTwoCalls(MEMCACHED_MAX_BATCH_COMMANDS, 2),
  createDestination: storeDestination(testbedMemcached),
};

const HTTP: CollapsibleTarget = {
  type: 'http',
  rowOptions: { collapse: 'none' },
  severalBatches: { records: ONE_ENTRY_PER_CALL_RECORDS, paddingBytes: 0 },
  collapse: { messageOf: (record) => Buffer.from(kinesisDocument(record)), takesBinary: true },
  async createDestination() {
    const path = uniqueSinkPath();
    return messagesDestination(
      sink.url(path),
      async () => (await sink.requests(path)).map((request) => request.bytes),
      (body) => deliveredOf(JSON.parse(body.toString('utf8')) as KinesisDocument | DynamoDBRecord),
      { kinesis: ['key', 'sequenceNumber', 'subSequenceNumber'], dynamodb: ['sequenceNumber', 'action'] },
    );
  },
};

/** Every target type, with how a test makes a destination of it and reads what arrived there. */
export const CONFORMANCE_TARGETS: readonly ConformanceTarget[] = [SNS, SQS, ES, KINESIS, FIREHOSE, IOT, LAMBDA, REDIS, MEMCACHED, HTTP];
