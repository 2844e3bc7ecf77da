/**
 * The irreducible cost: the same bytes sent through the same SDK and HTTP clients in the fewest
 * requests the APIs' limits allow, written directly, with nothing of fanout in between. Only the
 * limits are fanout's (named constants, the APIs' own figures).
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamRecord } from 'aws-lambda';
import { ES_MAX_BULK_ACTIONS, ES_MAX_BULK_BYTES } from '../src/targets/es/index.js';
import { FIREHOSE_MAX_BATCH_BYTES, FIREHOSE_MAX_BATCH_ENTRIES } from '../src/targets/firehose/index.js';
import { HTTP_MAX_BODY_BYTES } from '../src/targets/http/index.js';
import { IOT_MAX_PAYLOAD_BYTES } from '../src/targets/iot/index.js';
import { KINESIS_MAX_BATCH_BYTES, KINESIS_MAX_BATCH_ENTRIES } from '../src/targets/kinesis/index.js';
import { LAMBDA_ASYNC_MAX_PAYLOAD_BYTES } from '../src/targets/lambda/index.js';
import { MEMCACHED_MAX_BATCH_COMMANDS } from '../src/targets/memcached/index.js';
import { REDIS_MAX_PIPELINE_BYTES, REDIS_MAX_PIPELINE_COMMANDS } from '../src/targets/redis/index.js';
import { SNS_MAX_BATCH_BYTES, SNS_MAX_BATCH_ENTRIES, SNS_MAX_MESSAGE_BYTES } from '../src/targets/sns/index.js';
import { SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES, SQS_MAX_MESSAGE_BYTES } from '../src/targets/sqs/index.js';
import { PARALLEL_BATCHES_PER_TARGET } from '../src/delivery/deliver.js';
import type { CollapseMode } from '../src/targets/types.js';
import type { StreamEvent } from '../src/fanout.js';
import type { BenchDestinations } from './cases.js';

/** What every consumer of the event must do: take each record's bytes out of its base64. */
interface Item {
  record: KinesisStreamRecord;
  data: Buffer;
}

export type BaselineSend = (event: StreamEvent) => Promise<void>;

/** The requests, as many at once as fanout sends a target's batches (it sends them concurrently, as targets are parallel by default). */
async function inFlight<T>(items: readonly T[], send: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await send(items[next++]!);
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES_PER_TARGET }, lane));
}

/** Greedy, in order: the fewest groups of at most `maxCount` items and `maxBytes` bytes, as items must stay in order. */
function groups<T>(items: readonly T[], size: (item: T) => number, maxCount: number, maxBytes: number): T[][] {
  const result: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (group.length > 0 && (group.length === maxCount || bytes + itemBytes > maxBytes)) {
      result.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += itemBytes;
  }
  if (group.length > 0) result.push(group);
  return result;
}

function itemsOf(event: StreamEvent): Item[] {
  return (event.Records as KinesisStreamRecord[]).map((record) => ({ record, data: Buffer.from(record.kinesis.data, 'base64') }));
}

/** Message bodies in a collapse mode: one per record, or as many records as fit in `maxBytes`. */
function bodies(parts: readonly Buffer[], mode: CollapseMode, maxBytes: number): Buffer[] {
  switch (mode) {
    case 'none':
      return [...parts];
    case 'JSON':
      // `{"Records":[` and `]}` around the parts, a comma between two
      return groups(parts, (part) => part.length + 1, Number.MAX_SAFE_INTEGER, maxBytes - 13).map((group) =>
        Buffer.from(`{"Records":[${group.join(',')}]}`),
      );
    case 'concat':
      return groups(parts, (part) => part.length, Number.MAX_SAFE_INTEGER, maxBytes).map((group) => Buffer.concat(group));
    case 'concat-b64':
      return groups(parts, (part) => part.length, Number.MAX_SAFE_INTEGER, Math.floor(maxBytes / 4) * 3).map((group) =>
        Buffer.from(Buffer.concat(group).toString('base64')),
      );
  }
}

/** A record as fanout's HTTP body shows it: the Kinesis record of Lambda's event. */
function httpDocument(record: KinesisStreamRecord): string {
  const { kinesis } = record;
  return JSON.stringify({
    kinesisSchemaVersion: kinesis.kinesisSchemaVersion,
    partitionKey: kinesis.partitionKey,
    sequenceNumber: kinesis.sequenceNumber,
    data: kinesis.data,
    approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
  });
}

const awsConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', requestHandler: new NodeHttpHandler() });

/** The baseline of a target type; only its own client loads, as only a target type's own loads in the function. */
export async function baselineSender(type: string, collapse: CollapseMode, to: BenchDestinations): Promise<BaselineSend> {
  switch (type) {
    case 'sqs': {
      const { SQSClient, SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
      const sqs = new SQSClient(awsConfig(to.aws));
      return async (event) => {
        const messages = bodies(itemsOf(event).map((item) => item.data), collapse, SQS_MAX_MESSAGE_BYTES);
        await inFlight(groups(messages, (body) => body.length, SQS_MAX_BATCH_ENTRIES, SQS_MAX_BATCH_BYTES), (batch) =>
          sqs.send(new SendMessageBatchCommand({ QueueUrl: to.queueUrl, Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body.toString('utf8') })) })),
        );
      };
    }
    case 'sns': {
      const { PublishBatchCommand, SNSClient } = await import('@aws-sdk/client-sns');
      const sns = new SNSClient(awsConfig(to.aws));
      return async (event) => {
        const messages = bodies(itemsOf(event).map((item) => item.data), collapse, SNS_MAX_MESSAGE_BYTES);
        await inFlight(groups(messages, (body) => body.length, SNS_MAX_BATCH_ENTRIES, SNS_MAX_BATCH_BYTES), (batch) =>
          sns.send(new PublishBatchCommand({ TopicArn: to.topicArn, PublishBatchRequestEntries: batch.map((body, index) => ({ Id: String(index), Message: body.toString('utf8') })) })),
        );
      };
    }
    case 'kinesis': {
      const { KinesisClient, PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
      const kinesis = new KinesisClient(awsConfig(to.aws));
      return async (event) => {
        const items = itemsOf(event);
        await inFlight(groups(items, (item) => item.data.length + item.record.kinesis.partitionKey.length, KINESIS_MAX_BATCH_ENTRIES, KINESIS_MAX_BATCH_BYTES), (batch) =>
          kinesis.send(new PutRecordsCommand({ StreamName: to.streamName, Records: batch.map((item) => ({ PartitionKey: item.record.kinesis.partitionKey, Data: item.data })) })),
        );
      };
    }
    case 'firehose': {
      const { FirehoseClient, PutRecordBatchCommand } = await import('@aws-sdk/client-firehose');
      const firehose = new FirehoseClient(awsConfig(to.aws));
      return async (event) => {
        await inFlight(groups(itemsOf(event), (item) => item.data.length, FIREHOSE_MAX_BATCH_ENTRIES, FIREHOSE_MAX_BATCH_BYTES), (batch) =>
          firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: to.deliveryStreamName, Records: batch.map((item) => ({ Data: item.data })) })),
        );
      };
    }
    case 'lambda': {
      const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
      const lambda = new LambdaClient(awsConfig(to.aws));
      return async (event) => {
        // the function gets Lambda's own event records, as many as one asynchronous payload takes
        const payloads = bodies(event.Records.map((record) => Buffer.from(JSON.stringify(record))), 'JSON', LAMBDA_ASYNC_MAX_PAYLOAD_BYTES);
        await inFlight(payloads, (payload) => lambda.send(new InvokeCommand({ FunctionName: to.functionName, InvocationType: 'Event', Payload: payload })));
      };
    }
    case 'iot': {
      const { IoTDataPlaneClient, PublishCommand } = await import('@aws-sdk/client-iot-data-plane');
      const iot = new IoTDataPlaneClient(awsConfig(to.aws));
      return async (event) => {
        await inFlight(bodies(itemsOf(event).map((item) => item.data), collapse, IOT_MAX_PAYLOAD_BYTES), (payload) =>
          iot.send(new PublishCommand({ topic: to.iotTopic, qos: 1, payload })),
        );
      };
    }
    case 'es': {
      const [{ Client }, { AwsSigv4Signer }] = await Promise.all([import('@opensearch-project/opensearch'), import('@opensearch-project/opensearch/aws')]);
      const client = new Client({ ...AwsSigv4Signer({ region: 'us-east-1', service: 'es' }), node: to.aws, maxRetries: 0 });
      return async (event) => {
        const actions = itemsOf(event).map((item) => Buffer.from(`{"index":{"_id":"${item.record.kinesis.sequenceNumber}"}}\n${item.data.toString('utf8')}\n`));
        await inFlight(groups(actions, (action) => action.length, ES_MAX_BULK_ACTIONS, ES_MAX_BULK_BYTES), (bulk) =>
          client.transport.request({ method: 'POST', path: `/${to.esIndex}/_bulk`, bulkBody: Buffer.concat(bulk) }),
        );
      };
    }
    case 'http':
      return async (event) => {
        const items = itemsOf(event);
        const parts = collapse === 'none' || collapse === 'JSON' ? items.map((item) => Buffer.from(httpDocument(item.record))) : items.map((item) => item.data);
        const contentType = collapse === 'concat' ? 'application/octet-stream' : collapse === 'concat-b64' ? 'text/plain' : 'application/json';
        await inFlight(bodies(parts, collapse, HTTP_MAX_BODY_BYTES), async (body) => {
          const response = await fetch(to.httpUrl, { method: 'POST', body, headers: { 'content-type': contentType } });
          await response.body?.cancel();
        });
      };
    case 'redis': {
      const { Redis } = await import('ioredis');
      const redis = new Redis(to.redisUrl);
      return async (event) => {
        const items = itemsOf(event);
        await inFlight(groups(items, (item) => item.data.length + item.record.kinesis.partitionKey.length, REDIS_MAX_PIPELINE_COMMANDS, REDIS_MAX_PIPELINE_BYTES), (batch) => {
          const pipeline = redis.pipeline();
          for (const item of batch) pipeline.set(item.record.kinesis.partitionKey, item.data);
          return pipeline.exec();
        });
      };
    }
    case 'memcached': {
      const { default: memjs } = await import('memjs');
      const memcached = memjs.Client.create(to.memcachedServers, { retries: 1 });
      return async (event) => {
        await inFlight(groups(itemsOf(event), () => 0, MEMCACHED_MAX_BATCH_COMMANDS, Number.MAX_SAFE_INTEGER), (batch) =>
          Promise.all(batch.map((item) => memcached.set(item.record.kinesis.partitionKey, item.data))),
        );
      };
    }
    default:
      throw new Error(`no baseline for target type ${type}`);
  }
}
