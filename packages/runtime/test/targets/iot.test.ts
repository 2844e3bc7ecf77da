import { describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/aws/clients.js';
import { IOT_MAX_PAYLOAD_BYTES, iotTarget } from '../../src/targets/iot/index.js';
import { kinesisEvent } from '../support/events.js';
import { OTHER_REGION, createTargetsTable, kinesisSourceArn, putTargets, secondAccountRole, testFanout } from '../support/harness.js';
import { iotDestination, publishedTo, uniqueTopic } from '../support/iot.js';
import { recordOutcomeLines } from '../support/logs.js';
import { assumeRoleRequests, signatureScope, signedWithAssumedRole } from '../support/moto.js';

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: '{"n":2}' },
  { partitionKey: 'a', data: '{"n":3}' },
];
const joined = records.map((record) => record.data).join('');

function payloads(topic: string): string[] {
  return publishedTo(topic).map((request) => request.body.toString('utf8'));
}

describe('iot destination', () => {
  it('takes the region from an AWS data endpoint and makes the endpoint a URL', () => {
    expect(iotTarget.parseDestination('abc123-ats.iot.us-east-1.amazonaws.com#fanout/topic')).toEqual({
      endpoint: 'https://abc123-ats.iot.us-east-1.amazonaws.com',
      topic: 'fanout/topic',
      region: 'us-east-1',
    });
  });

  it('refuses a topic with a wildcard, and a destination without a topic', () => {
    expect(() => iotTarget.parseDestination('abc123-ats.iot.us-east-1.amazonaws.com#fanout/+')).toThrow(/wildcard/);
    expect(() => iotTarget.parseDestination('abc123-ats.iot.us-east-1.amazonaws.com')).toThrow(/ENDPOINT#TOPIC/);
  });
});

describe('iot target', () => {
  it('publishes every record at QoS 1 in each collapse mode, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topics = { none: uniqueTopic(), JSON: uniqueTopic(), concat: uniqueTopic(), 'concat-b64': uniqueTopic() };
    await putTargets(
      table,
      Object.entries(topics).map(([collapse, topic]) => ({
        sourceArn,
        id: `to-${collapse}`,
        type: 'iot',
        destination: iotDestination(topic),
        active: true,
        collapse: collapse as 'none',
      })),
    );

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    // one message per call, sent concurrently: the uncollapsed ones arrive in any order
    expect(payloads(topics.none).sort()).toEqual(records.map((record) => record.data).sort());
    expect(payloads(topics.JSON)).toEqual(['{"Records":[{"n":1,"text":"héllo"},{"n":2},{"n":3}]}']);
    expect(payloads(topics.concat)).toEqual([joined]);
    expect(payloads(topics['concat-b64'])).toEqual([Buffer.from(joined).toString('base64')]);
    const queries = Object.values(topics).flatMap((topic) => publishedTo(topic).map((request) => new URL(request.url).search));
    expect(new Set(queries)).toEqual(new Set(['?qos=1']));
  });

  it('publishes binary data as it is', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topic = uniqueTopic();
    await putTargets(table, [{ sourceArn, id: 'binary', type: 'iot', destination: iotDestination(topic), active: true, collapse: 'none' }]);
    const data = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x80]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data }]))).toEqual({ batchItemFailures: [] });

    expect(publishedTo(topic).map((request) => request.body)).toEqual([data]);
  });

  it('collapses into as many JSON messages as the 128 KiB payload limit needs, and rejects a record larger than that alone', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topic = uniqueTopic();
    await putTargets(table, [{ sourceArn, id: 'collapsed', type: 'iot', destination: iotDestination(topic), active: true, collapse: 'JSON' }]);
    // two 50 KB documents fit in one message, three do not
    const documents = ['a', 'b', 'c', 'd', 'e'].map((fill) => ({ fill: fill.repeat(50_000) }));
    const tooLarge = { fill: 'z'.repeat(IOT_MAX_PAYLOAD_BYTES) };
    const event = kinesisEvent(
      sourceArn,
      [...documents.slice(0, 2), tooLarge, ...documents.slice(2)].map((document) => ({ partitionKey: 'k', data: JSON.stringify(document) })),
    );
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const received = payloads(topic);
    expect(received).toHaveLength(3);
    for (const payload of received) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(IOT_MAX_PAYLOAD_BYTES);
    const fills = received.flatMap((payload) => (JSON.parse(payload) as { Records: Array<{ fill: string }> }).Records.map((document) => document.fill));
    expect(fills.sort()).toEqual(documents.map((document) => document.fill));
    const rejections = recordOutcomeLines(fanout, 'rejected');
    expect(rejections.map((line) => line.sequenceNumber)).toEqual([event.Records[2]!.kinesis.sequenceNumber]);
  });

  it('signs with the target role, assumed with its external id, for the region the target names', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topic = uniqueTopic();
    const { role } = await secondAccountRole();
    await putTargets(table, [
      {
        sourceArn,
        id: 'cross-account',
        type: 'iot',
        destination: iotDestination(topic),
        active: true,
        collapse: 'none',
        role,
        externalId: 'fanout-test',
        region: OTHER_REGION,
      },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records.slice(0, 1)))).toEqual({ batchItemFailures: [] });

    expect(assumeRoleRequests(role).map((parameters) => parameters.get('ExternalId'))).toEqual(['fanout-test']);
    const [publish, ...others] = publishedTo(topic);
    expect(others).toEqual([]);
    expect(publish!.body.toString('utf8')).toBe(records[0]!.data);
    expect(signedWithAssumedRole(publish!)).toBe(true);
    expect(signatureScope(publish!)).toMatchObject({ region: OTHER_REGION, service: 'iotdata' });
  });

  it('sends a row that names the account\'s own data endpoint to the configured endpoint, as every AWS client is', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topic = uniqueTopic();
    // what `register iot --destination TOPIC` writes in AWS: the account's data endpoint; the test's AWS_ENDPOINT_URL is moto
    await putTargets(table, [{ sourceArn, id: 'real-endpoint', type: 'iot', destination: `abc123-ats.iot.us-east-1.amazonaws.com#${topic}`, active: true, collapse: 'none' }]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records.slice(0, 1)))).toEqual({ batchItemFailures: [] });

    expect(payloads(topic)).toEqual([records[0]!.data]);
  });
});

describe('the endpoint of a sender that names its own', () => {
  const iotEndpoint = (url: string) => ({ url, service: 'IOT_DATA_PLANE' });
  const awsHost = 'https://abc123-ats.iot.us-east-1.amazonaws.com';

  /** The endpoint chosen with these SDK variables set (and the test's own put back after). */
  function chosen(clients: AwsClients, url: string, variables: Record<string, string | undefined>): string {
    const saved = Object.fromEntries(ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]));
    try {
      for (const name of ENDPOINT_VARIABLES) delete process.env[name];
      Object.assign(process.env, variables);
      return clients.endpointFor(iotEndpoint(url));
    } finally {
      for (const name of ENDPOINT_VARIABLES) delete process.env[name];
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  }
  const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_IOT_DATA_PLANE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];

  it('is --endpoint-url first, then AWS_ENDPOINT_URL_<service>, then AWS_ENDPOINT_URL, then the row\'s', () => {
    const local = new AwsClients('fanout-test', { endpoint: 'http://127.0.0.1:5000' });
    const plain = new AwsClients('fanout-test');
    const both = { AWS_ENDPOINT_URL: 'http://all:1', AWS_ENDPOINT_URL_IOT_DATA_PLANE: 'http://iot:2' };
    expect(chosen(local, awsHost, both)).toBe('http://127.0.0.1:5000');
    expect(chosen(plain, awsHost, both)).toBe('http://iot:2');
    expect(chosen(plain, awsHost, { AWS_ENDPOINT_URL: 'http://all:1' })).toBe('http://all:1');
    expect(chosen(plain, awsHost, {})).toBe(awsHost);
    expect(chosen(plain, awsHost, { ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe(awsHost);
  });

  it('stays the row\'s when the row names a host that is not AWS\'s', () => {
    const local = new AwsClients('fanout-test', { endpoint: 'http://127.0.0.1:5000' });
    expect(chosen(local, 'http://127.0.0.1:9200', { AWS_ENDPOINT_URL: 'http://all:1' })).toBe('http://127.0.0.1:9200');
  });
});
