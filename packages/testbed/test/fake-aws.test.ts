import { createHash } from 'node:crypto';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as firehose from '@aws-sdk/client-firehose';
import * as iotData from '@aws-sdk/client-iot-data-plane';
import * as kinesis from '@aws-sdk/client-kinesis';
import * as lambda from '@aws-sdk/client-lambda';
import * as sns from '@aws-sdk/client-sns';
import * as sqs from '@aws-sdk/client-sqs';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { operationOf } from '../src/servers/fault-proxy/operations.js';
import { TEST_CEILING_MS, awsClientConfig, startFakeAws, uniqueName, type FakeAws, type KeptEntry } from '../src/index.js';

const { aws } = inject('testbed');
const [ACCOUNT] = aws.accounts;
const [REGION] = aws.regions;

/** In front of moto, keeping payloads; and alone, counting only. */
let fake: FakeAws;

/** What the fake kept for a destination, each entry's arrival time checked and left out. */
async function keptOf(destination?: string): Promise<Array<Omit<KeptEntry, 'receivedAt'>>> {
  const entries = await fake.kept(destination);
  for (const entry of entries) expect(Math.abs(Date.now() - entry.receivedAt)).toBeLessThan(TEST_CEILING_MS);
  return entries.map(({ receivedAt: _receivedAt, ...entry }) => entry);
}
let alone: FakeAws;
beforeAll(async () => {
  [fake, alone] = await Promise.all([startFakeAws({ upstream: aws.endpoint, keep: true }), startFakeAws()]);
});
afterAll(async () => {
  await Promise.all([fake?.stop(), alone?.stop()]);
});
beforeEach(async () => {
  await Promise.all([fake.reset(), alone.reset()]);
});

/** An HTTP/1.1 handler (Kinesis needs one) that adds up the body bytes of the requests it sends. */
class MeasuringHandler extends NodeHttpHandler {
  bytes = 0;

  override handle(...[request, options]: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    this.bytes += Buffer.byteLength((request.body as string | Uint8Array | undefined) ?? '');
    return super.handle(request, options);
  }
}

/** A client's configuration for the fake (in front of moto unless told), and what it measured. */
function via(target: FakeAws = fake) {
  const requestHandler = new MeasuringHandler();
  return { config: { ...awsClientConfig(aws, { endpoint: target.endpoint }), requestHandler }, requestHandler };
}

const base64 = (data: string | Uint8Array) => Buffer.from(data).toString('base64');
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** Bodies the wire must carry exactly: multi-byte UTF-8, form and XML specials, a newline. */
const TEXTS = ['plain', 'é ✓ 😀', 'a&b=c+d%20e', '<x attr="1">&amp;</x>', 'line one\nline two', ''];
/** Bytes that are not UTF-8. */
const BINARY = Uint8Array.from([0xff, 0x00, 0xfe, 0x80, 0x7b]);

describe('fake AWS endpoint', () => {
  it('answers SQS SendMessageBatch and SendMessage as the SDK checks them: every Id, the MD5 of every body; FIFO sequence numbers', async () => {
    const queue = uniqueName('queue');
    const { config, requestHandler } = via();
    const client = new sqs.SQSClient(config);
    const Entries = TEXTS.map((MessageBody, index) => ({ Id: `e${index}`, MessageBody }));

    const batch = await client.send(new sqs.SendMessageBatchCommand({ QueueUrl: `${fake.endpoint}/${ACCOUNT}/${queue}`, Entries }));
    const batchBytes = requestHandler.bytes;
    const fifo = await client.send(
      new sqs.SendMessageCommand({ QueueUrl: `${fake.endpoint}/${ACCOUNT}/${queue}.fifo`, MessageBody: 'first', MessageGroupId: 'g' }),
    );

    expect(batch.Failed ?? []).toEqual([]);
    expect(batch.Successful!.map((entry) => [entry.Id, entry.MD5OfMessageBody])).toEqual(Entries.map((entry) => [entry.Id, md5(entry.MessageBody)]));
    expect(new Set(batch.Successful!.map((entry) => entry.MessageId)).size).toBe(Entries.length);
    expect(batch.Successful!.every((entry) => entry.SequenceNumber === undefined)).toBe(true);
    expect(fifo).toMatchObject({ MD5OfMessageBody: md5('first'), MessageId: expect.any(String), SequenceNumber: expect.stringMatching(/^\d+$/) });
    expect(await fake.counters()).toEqual({
      'sqs.SendMessageBatch': { requests: 1, entries: Entries.length, bytes: batchBytes },
      'sqs.SendMessage': { requests: 1, entries: 1, bytes: requestHandler.bytes - batchBytes },
    });
    expect(await keptOf(`/${ACCOUNT}/${queue}`)).toEqual(TEXTS.map((text) => ({ destination: `/${ACCOUNT}/${queue}`, data: base64(text) })));
    expect(await keptOf(`/${ACCOUNT}/${queue}.fifo`)).toEqual([{ destination: `/${ACCOUNT}/${queue}.fifo`, data: base64('first'), key: 'g' }]);
  });

  it('answers SNS PublishBatch and Publish (AWS Query, XML): every Id; FIFO sequence numbers; form-encoded messages kept byte for byte', async () => {
    const TopicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:${uniqueName('topic')}`;
    const { config, requestHandler } = via();
    const client = new sns.SNSClient(config);
    const entries = TEXTS.map((Message, index) => ({ Id: `m-${index}`, Message }));

    const batch = await client.send(new sns.PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries }));
    const batchBytes = requestHandler.bytes;
    const fifo = await client.send(new sns.PublishCommand({ TopicArn: `${TopicArn}.fifo`, Message: 'first', MessageGroupId: 'g' }));

    expect(batch.Failed ?? []).toEqual([]);
    expect(batch.Successful!.map((entry) => entry.Id)).toEqual(entries.map((entry) => entry.Id));
    expect(batch.Successful!.every((entry) => entry.MessageId)).toBe(true);
    expect(fifo).toMatchObject({ MessageId: expect.any(String), SequenceNumber: expect.stringMatching(/^\d+$/) });
    expect(await fake.counters()).toEqual({
      'sns.PublishBatch': { requests: 1, entries: entries.length, bytes: batchBytes },
      'sns.Publish': { requests: 1, entries: 1, bytes: requestHandler.bytes - batchBytes },
    });
    expect((await keptOf(TopicArn)).map((entry) => entry.data)).toEqual(TEXTS.map((text) => base64(text)));
    expect(await keptOf(`${TopicArn}.fifo`)).toEqual([{ destination: `${TopicArn}.fifo`, data: base64('first'), key: 'g' }]);
  });

  it('answers Kinesis PutRecords and PutRecord: a shard and an increasing sequence number per record, none failed', async () => {
    const StreamName = uniqueName('stream');
    const StreamARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${StreamName}`;
    const { config, requestHandler } = via();
    const client = new kinesis.KinesisClient(config);
    const records = [...TEXTS.map((text) => Buffer.from(text)), BINARY].map((Data, index) => ({ Data, PartitionKey: `k${index}` }));

    const batch = await client.send(new kinesis.PutRecordsCommand({ StreamName, Records: records }));
    const batchBytes = requestHandler.bytes;
    const single = await client.send(new kinesis.PutRecordCommand({ StreamARN, Data: BINARY, PartitionKey: 'one' }));

    expect(batch.FailedRecordCount).toBe(0);
    expect(batch.Records).toHaveLength(records.length);
    const sequenceNumbers = [...batch.Records!, single].map((record) => record.SequenceNumber!);
    expect(sequenceNumbers).toEqual([...sequenceNumbers].sort());
    expect(new Set(sequenceNumbers).size).toBe(records.length + 1);
    expect([...batch.Records!, single].every((record) => record.ShardId === 'shardId-000000000000')).toBe(true);
    expect(await fake.counters()).toEqual({
      'kinesis.PutRecords': { requests: 1, entries: records.length, bytes: batchBytes },
      'kinesis.PutRecord': { requests: 1, entries: 1, bytes: requestHandler.bytes - batchBytes },
    });
    expect(await keptOf(StreamName)).toEqual(records.map((record) => ({ destination: StreamName, data: base64(record.Data), key: record.PartitionKey })));
    expect(await keptOf(StreamARN)).toEqual([{ destination: StreamARN, data: base64(BINARY), key: 'one' }]);
  });

  it('answers Firehose PutRecordBatch and PutRecord: a RecordId per record, none failed, not encrypted', async () => {
    const DeliveryStreamName = uniqueName('delivery');
    const { config, requestHandler } = via();
    const client = new firehose.FirehoseClient(config);
    const records = [Buffer.from('one\n'), BINARY].map((Data) => ({ Data }));

    const batch = await client.send(new firehose.PutRecordBatchCommand({ DeliveryStreamName, Records: records }));
    const batchBytes = requestHandler.bytes;
    const single = await client.send(new firehose.PutRecordCommand({ DeliveryStreamName, Record: { Data: Buffer.from('two') } }));

    expect(batch).toMatchObject({ FailedPutCount: 0, Encrypted: false });
    expect(batch.RequestResponses!.map((response) => Boolean(response.RecordId) && !response.ErrorCode)).toEqual([true, true]);
    expect(single).toMatchObject({ RecordId: expect.any(String), Encrypted: false });
    expect(await fake.counters()).toEqual({
      'firehose.PutRecordBatch': { requests: 1, entries: 2, bytes: batchBytes },
      'firehose.PutRecord': { requests: 1, entries: 1, bytes: requestHandler.bytes - batchBytes },
    });
    expect((await keptOf(DeliveryStreamName)).map((entry) => entry.data)).toEqual([base64('one\n'), base64(BINARY), base64('two')]);
  });

  it('answers Lambda Invoke: 202 queued for an Event, 200 with the payload echoed for a RequestResponse', async () => {
    const FunctionName = uniqueName('function');
    const { config, requestHandler } = via();
    const client = new lambda.LambdaClient(config);

    const queued = await client.send(new lambda.InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: Buffer.from('{"Records":[]}') }));
    const ran = await client.send(new lambda.InvokeCommand({ FunctionName, Payload: Buffer.from('{"echo":"é"}') }));

    expect(queued.StatusCode).toBe(202);
    expect(ran.StatusCode).toBe(200);
    expect(ran.FunctionError).toBeUndefined();
    expect(Buffer.from(ran.Payload!).toString()).toBe('{"echo":"é"}');
    expect(await fake.counters()).toEqual({ 'lambda.Invoke': { requests: 2, entries: 2, bytes: requestHandler.bytes } });
    expect((await keptOf(FunctionName)).map((entry) => entry.data)).toEqual([base64('{"Records":[]}'), base64('{"echo":"é"}')]);
  });

  it('answers IoT data Publish, and keeps the payload by topic', async () => {
    const topic = `fanout/${uniqueName('topic')}/a b`;
    const { config, requestHandler } = via();

    await new iotData.IoTDataPlaneClient(config).send(new iotData.PublishCommand({ topic, qos: 1, payload: BINARY }));

    expect(await fake.counters()).toEqual({ 'iot.Publish': { requests: 1, entries: 1, bytes: requestHandler.bytes } });
    expect(await keptOf(topic)).toEqual([{ destination: topic, data: base64(BINARY) }]);
  });

  it('answers an OpenSearch _bulk, signed or not, with an item per action, and keeps each source line byte for byte', async () => {
    const index = uniqueName('index');
    const sources = ['{"text":"é ✓"}', '{"n":1}'];
    const bulk = Buffer.from(
      [
        JSON.stringify({ index: { _id: 'a' } }),
        sources[0],
        JSON.stringify({ delete: { _id: 'b' } }),
        JSON.stringify({ create: { _index: `${index}-other` } }),
        sources[1],
        '',
      ].join('\n'),
    );
    const signed = new OpenSearchClient({
      ...AwsSigv4Signer({ region: REGION, service: 'es', getCredentials: async () => aws.credentials }),
      node: fake.endpoint,
      maxRetries: 0,
    });

    const { body } = await signed.transport.request({ method: 'POST', path: `/${index}/_bulk`, bulkBody: bulk });
    const unsignedBulk = `${JSON.stringify({ index: { _index: index, _id: 'c' } })}\n{}\n`;
    const unsigned = await fetch(`${fake.endpoint}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: unsignedBulk });

    expect(body).toMatchObject({
      errors: false,
      items: [
        { index: { _index: index, _id: 'a', status: 201, result: 'created' } },
        { delete: { _index: index, _id: 'b', status: 200, result: 'deleted' } },
        { create: { _index: `${index}-other`, _id: expect.any(String), status: 201, result: 'created' } },
      ],
    });
    expect(await unsigned.json()).toMatchObject({ errors: false, items: [{ index: { _index: index, _id: 'c', status: 201 } }] });
    expect(await fake.counters()).toEqual({
      'opensearch.Bulk': { requests: 2, entries: 4, bytes: bulk.length + Buffer.byteLength(unsignedBulk) },
    });
    expect(await keptOf(index)).toEqual([
      { destination: index, data: base64(sources[0]!), key: 'a' },
      { destination: index, data: '', key: 'b' },
      { destination: index, data: base64('{}'), key: 'c' },
    ]);
    expect((await keptOf(`${index}-other`)).map((entry) => entry.data)).toEqual([base64(sources[1]!)]);
  });

  it('answers any other unsigned request 200 with no body, counted as http and kept by path', async () => {
    const path = `/${uniqueName('hook')}/records`;

    const response = await fetch(`${fake.endpoint}${path}?attempt=1`, { method: 'POST', body: BINARY });

    expect([response.status, await response.text()]).toEqual([200, '']);
    expect(await fake.counters()).toEqual({ http: { requests: 1, entries: 1, bytes: BINARY.length } });
    expect(await keptOf(path)).toEqual([{ destination: path, data: base64(BINARY) }]);
  });

  it('passes every other call to the upstream byte for byte, and counts it under its operation', async () => {
    const TableName = uniqueName('table');
    const direct = new dynamodb.DynamoDBClient(awsClientConfig(aws));
    await direct.send(
      new dynamodb.CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const { config, requestHandler } = via();

    // one table, not a list: other tests' tables would push it past ListTables' first page
    const { Table } = await new dynamodb.DynamoDBClient(config).send(new dynamodb.DescribeTableCommand({ TableName }));
    const tableBytes = requestHandler.bytes;
    const { StreamNames } = await new kinesis.KinesisClient(config).send(new kinesis.ListStreamsCommand({}));
    const directKinesis = new kinesis.KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });

    expect(Table).toMatchObject({ TableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
    expect(StreamNames).toEqual((await directKinesis.send(new kinesis.ListStreamsCommand({}))).StreamNames);
    expect(await fake.counters()).toEqual({
      'dynamodb.DescribeTable': { requests: 1, entries: 1, bytes: tableBytes },
      'kinesis.ListStreams': { requests: 1, entries: 1, bytes: requestHandler.bytes - tableBytes },
    });
  });

  it('without an upstream, answers other calls 400 UnknownOperationException, and DescribeStreamSummary as an active stream of one shard', async () => {
    const { config } = via(alone);

    const error = (await new dynamodb.DynamoDBClient(config).send(new dynamodb.ListTablesCommand({})).catch((caught: unknown) => caught)) as {
      name: string;
      $metadata: { httpStatusCode: number };
    };
    const { StreamDescriptionSummary } = await new kinesis.KinesisClient(config).send(
      new kinesis.DescribeStreamSummaryCommand({ StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/absent` }),
    );

    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnknownOperationException', 400]);
    expect(StreamDescriptionSummary).toMatchObject({ StreamName: 'absent', StreamStatus: 'ACTIVE', OpenShardCount: 1 });
    expect(Object.keys(await alone.counters()).sort()).toEqual(['dynamodb.ListTables', 'kinesis.DescribeStreamSummary']);
  });

  it('counts only unless asked to keep, never counts its own control routes, and zeroes everything on reset', async () => {
    const { config } = via(alone);
    const client = new sqs.SQSClient(config);
    const send = () => client.send(new sqs.SendMessageCommand({ QueueUrl: `${alone.endpoint}/${ACCOUNT}/counted`, MessageBody: 'x' }));
    await send();
    await send();

    expect(await alone.kept()).toEqual([]);
    expect(await alone.counters()).toEqual({ 'sqs.SendMessage': { requests: 2, entries: 2, bytes: expect.any(Number) } });
    expect(operationOf('GET', '/__fake/counters', {}, Buffer.alloc(0))).toBe('fake.control');

    await new sqs.SQSClient(via().config).send(new sqs.SendMessageCommand({ QueueUrl: `${fake.endpoint}/${ACCOUNT}/kept`, MessageBody: 'x' }));
    expect(await keptOf()).toHaveLength(1);
    await Promise.all([alone.reset(), fake.reset()]);
    expect([await alone.counters(), await fake.counters(), await keptOf()]).toEqual([{}, {}, []]);
  });
});
