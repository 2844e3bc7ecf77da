import { HttpSinkClient, uniqueName } from '@fanout/testbed';
import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, inject, it } from 'vitest';
import type { TargetRowInput } from '../../src/config/schema.js';
import {
  HOME_REGION,
  OTHER_REGION,
  aws,
  createTargetsTable,
  dynamodbSourceArn,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
} from '../support/harness.js';
import { dynamodbEvent, kinesisEvent } from '../support/events.js';
import { recordOutcomeLines } from '../support/logs.js';
import { AwsClients } from '../../src/aws/clients.js';
import { createLogger } from '../../src/log/logger.js';
import { esTarget } from '../../src/targets/es/index.js';
import { createEsSender } from '../../src/targets/es/sender.js';
import { closedPort } from '../support/network.js';
import { OPENSEARCH_ENDPOINT, createIndex, documents, setWriteBlock, uniqueIndex } from '../support/opensearch.js';

const sink = new HttpSinkClient(inject('testbed').http.endpoint);

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: '{"n":2,"nested":{"list":[1,2]}}' },
  { partitionKey: 'a', data: '{"n":3}' },
];

function sequenceNumbers(event: { Records: KinesisStreamRecord[] }): string[] {
  return event.Records.map((record) => record.kinesis.sequenceNumber);
}

/** The documents an event of `records` makes: each record's JSON under its sequence number. */
function indexedAsDocuments(event: { Records: KinesisStreamRecord[] }): Record<string, unknown> {
  return Object.fromEntries(sequenceNumbers(event).map((sequenceNumber, n) => [sequenceNumber, JSON.parse(records[n]!.data)]));
}

/** A table with one es target on a Kinesis source. */
async function kinesisTarget(destination: string, row: Partial<TargetRowInput> = {}): Promise<{ table: string; sourceArn: string }> {
  const table = await createTargetsTable();
  const sourceArn = kinesisSourceArn();
  await putTargets(table, [{ sourceArn, id: 'search', type: 'es', destination, active: true, ...row }]);
  return { table, sourceArn };
}

describe('es target', () => {
  it('indexes each Kinesis record as its document under its sequence number, once however often it is sent', async () => {
    const index = uniqueIndex();
    const { table, sourceArn } = await kinesisTarget(`${OPENSEARCH_ENDPOINT}#${index}`);
    const event = kinesisEvent(sourceArn, records);
    const expected = indexedAsDocuments(event);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });
    expect(await documents(index)).toEqual(expected);

    // Lambda retrying the same batch
    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });
    expect(await documents(index)).toEqual(expected);
  });

  it('keeps a DynamoDB item as the document under its key, updates it, and deletes it on REMOVE', async () => {
    const index = uniqueIndex();
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    await putTargets(table, [
      { sourceArn, id: 'search', type: 'es', destination: `${OPENSEARCH_ENDPOINT}#${index}`, active: true, convertDDB: true },
    ]);
    const fanout = testFanout(table);
    const keys = { customer: 'c-7', order: 42 };
    const first = { ...keys, status: 'placed', lines: ['apple'] };
    const second = { ...keys, status: 'shipped', lines: ['apple'] };

    expect(await fanout.process(dynamodbEvent(sourceArn, [{ eventName: 'INSERT', keys, newImage: first }]))).toEqual({ batchItemFailures: [] });
    expect(await documents(index)).toEqual({ 'c-7|42': first });

    const modify = dynamodbEvent(sourceArn, [{ eventName: 'MODIFY', keys, oldImage: first, newImage: second }]);
    expect(await fanout.process(modify)).toEqual({ batchItemFailures: [] });
    expect(await documents(index)).toEqual({ 'c-7|42': second });

    const remove = dynamodbEvent(sourceArn, [{ eventName: 'REMOVE', keys, oldImage: second }]);
    expect(await fanout.process(remove)).toEqual({ batchItemFailures: [] });
    expect(await documents(index)).toEqual({});

    // deleting it again (Lambda retrying) finds nothing to delete, and that is neither a failure nor a rejection
    expect(await fanout.process(remove)).toEqual({ batchItemFailures: [] });
    expect([...recordOutcomeLines(fanout, 'failed'), ...recordOutcomeLines(fanout, 'rejected')]).toEqual([]);
  });

  it('rejects a document the index mapping refuses, without holding the shard, and indexes the others', async () => {
    const index = uniqueIndex();
    await createIndex(index, { n: { type: 'integer' } });
    const { table, sourceArn } = await kinesisTarget(`${OPENSEARCH_ENDPOINT}#${index}`);
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'k', data: '{"n":1}' },
      { partitionKey: 'k', data: '{"n":"not a number"}' },
      { partitionKey: 'k', data: '{"n":3}' },
    ]);
    const [first, refused, third] = sequenceNumbers(event);
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(await documents(index)).toEqual({ [first!]: { n: 1 }, [third!]: { n: 3 } });
    const rejections = recordOutcomeLines(fanout, 'rejected');
    expect(rejections.map((line) => line.sequenceNumber)).toEqual([refused]);
    expect(String(rejections[0]!.message)).toContain('mapper_parsing_exception');
  });

  it('retries while the index is write-blocked, reports the earliest record, and loses nothing once writes are allowed', async () => {
    const index = uniqueIndex();
    await createIndex(index);
    await setWriteBlock(index, true);
    const { table, sourceArn } = await kinesisTarget(`${OPENSEARCH_ENDPOINT}#${index}`);
    const event = kinesisEvent(sourceArn, records);
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    const failures = recordOutcomeLines(fanout, 'failed');
    expect(failures).toHaveLength(records.length);
    expect(String(failures[0]!.message)).toMatch(/cluster_block_exception.*gave up after 4 attempts/);
    expect(await documents(index)).toEqual({});

    await setWriteBlock(index, false);
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
    expect(Object.keys(await documents(index)).sort()).toEqual(sequenceNumbers(event).sort());
  });

  it('refuses data that is not a UTF-8 JSON object, and indexes a document written over several lines', async () => {
    const index = uniqueIndex();
    const { table, sourceArn } = await kinesisTarget(`${OPENSEARCH_ENDPOINT}#${index}`);
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'k', data: '{"n":1}' },
      { partitionKey: 'k', data: 'not json' },
      { partitionKey: 'k', data: '[{"n":2}]' },
      { partitionKey: 'k', data: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
      { partitionKey: 'k', data: '{\n  "n": 5,\r\n  "text": "two\\nlines"\n}\n' },
    ]);
    const [first, notJson, array, notUtf8, multiLine] = sequenceNumbers(event);
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(await documents(index)).toEqual({ [first!]: { n: 1 }, [multiLine!]: { n: 5, text: 'two\nlines' } });
    const rejections = recordOutcomeLines(fanout, 'rejected');
    expect(Object.fromEntries(rejections.map((line) => [line.sequenceNumber, line.message]))).toEqual({
      [notJson!]: 'record rejected: its data is not JSON; OpenSearch takes JSON documents',
      [array!]: 'record rejected: its data is not a JSON object; OpenSearch takes JSON objects as documents',
      [notUtf8!]: 'record rejected: its data is not JSON; OpenSearch takes JSON documents',
    });
  });

  it('takes the legacy destination ENDPOINT#DOCTYPE/INDEX', async () => {
    const index = uniqueIndex();
    const { table, sourceArn } = await kinesisTarget(`${OPENSEARCH_ENDPOINT}#_doc/${index}`);
    const event = kinesisEvent(sourceArn, records);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await documents(index)).toEqual(indexedAsDocuments(event));
  });

  it('reports the earliest record for retry when the endpoint cannot be reached', async () => {
    const { table, sourceArn } = await kinesisTarget(`http://127.0.0.1:${await closedPort()}#${uniqueIndex()}`);
    const event = kinesisEvent(sourceArn, records);
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    expect(String(recordOutcomeLines(fanout, 'failed')[0]?.message)).toContain('ECONNREFUSED');
  });

  describe('request signing', () => {
    /**
     * Sends one record to an es target on the HTTP sink (answering as OpenSearch would), behind a
     * path as a proxy would put it, and returns the request it got.
     */
    async function signedBulkRequest(row: Partial<TargetRowInput>) {
      const index = uniqueIndex();
      const proxyPath = `/${uniqueName('proxy')}/opensearch`;
      const path = `${proxyPath}/${index}/_bulk`;
      await sink.respondWith({
        path,
        status: 200,
        body: JSON.stringify({ took: 1, errors: false, items: [{ index: { _index: index, _id: '1', status: 201 } }] }),
      });
      const { table, sourceArn } = await kinesisTarget(`${sink.endpoint}${proxyPath}#${index}`, row);
      const event = kinesisEvent(sourceArn, [{ partitionKey: 'k', data: '{"n":1}' }]);

      expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

      const requests = await sink.requests(path);
      expect(requests).toHaveLength(1);
      const request = requests[0]!;
      expect(request.method).toBe('POST');
      expect(request.bytes.toString('utf8')).toBe(`{"index":{"_id":"${event.Records[0]!.kinesis.sequenceNumber}"}}\n{"n":1}\n`);
      return request;
    }

    it('signs with SigV4 for service es in the region of the target, with the function credentials', async () => {
      const request = await signedBulkRequest({ region: OTHER_REGION });

      expect(request.headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=${aws.credentials.accessKeyId}/\\d{8}/${OTHER_REGION}/es/aws4_request, SignedHeaders=\\S+, Signature=[0-9a-f]{64}$`),
      );
      expect(request.headers['x-amz-security-token']).toBeUndefined();
    });

    it('signs for aoss, in its region, a destination on an OpenSearch Serverless collection', async () => {
      const destination = esTarget.parseDestination('https://abc123def456.eu-west-1.aoss.amazonaws.com#orders');
      expect(destination).toEqual({ node: 'https://abc123def456.eu-west-1.aoss.amazonaws.com', index: 'orders', region: 'eu-west-1', signingService: 'aoss' });
      expect(esTarget.parseDestination('https://search-shop-abc.eu-west-1.es.amazonaws.com#orders').signingService).toBe('es');
      // the same destination sent to the HTTP sink: the signature is what the collection would get
      const path = `/${uniqueName('aoss')}`;
      await sink.respondWith({ path: `${path}/orders/_bulk`, status: 200, body: JSON.stringify({ took: 1, errors: false, items: [{ index: { status: 201 } }] }) });
      const clients = new AwsClients('fanout-test');
      const sender = await createEsSender({
        destination: { ...destination, node: `${sink.endpoint}${path}` },
        target: { parallel: true },
        log: createLogger({ level: 'silent' }),
        awsClient: (constructor) => clients.get(constructor, { region: HOME_REGION }),
        awsScope: (region) => ({ region: region ?? HOME_REGION, credentials: clients.credentials({ region: HOME_REGION }) }),
      });
      try {
        const body = Buffer.from('{"index":{"_id":"1"}}\n{"n":1}\n');
        expect(await sender.send([{ body, records: [], size: body.length }], new AbortController().signal)).toEqual([{ status: 'delivered' }]);
      } finally {
        await sender.close?.();
      }
      const [request] = await sink.requests(`${path}/orders/_bulk`);
      expect(request!.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${aws.credentials.accessKeyId}/\\d{8}/eu-west-1/aoss/aws4_request, `));
    });

    it('signs with the credentials of the target role, session token included', async () => {
      const { role } = await secondAccountRole();
      const request = await signedBulkRequest({ role, externalId: 'fanout-test' });

      expect(request.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=(\\w+)/\\d{8}/${HOME_REGION}/es/aws4_request, `));
      expect(request.headers.authorization).not.toContain(`Credential=${aws.credentials.accessKeyId}/`);
      expect(request.headers['x-amz-security-token']).toEqual(expect.any(String));
      expect(request.headers.authorization).toContain('x-amz-security-token');
    });
  });
});
