import { createHash } from 'node:crypto';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { dynamodbEvent, kinesisEvent } from '../support/events.js';
import {
  createTargetsTable,
  dynamodbSourceArn,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
} from '../support/harness.js';
import { createFunction, invocationsOf } from '../support/lambda.js';
import { recordOutcomeLines } from '../support/logs.js';
import { assumeRoleRequests, signedWithAssumedRole } from '../support/moto.js';
import { closedPortUrl } from '../support/servers.js';

type EventRecord = KinesisStreamRecord | DynamoDBRecord;

/** What AWS Lambda takes at most as the payload of an asynchronous invocation: 1 MB. */
const ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES = 1_048_576;

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: Buffer.from([0xff, 0x00, 0xfe]) },
  { partitionKey: 'a', data: '{"n":3}' },
];

/** What the function's handler receives: the event records, as Lambda gave them to fanout. */
function invocationPayload(eventRecords: readonly EventRecord[]): string {
  return JSON.stringify({ Records: eventRecords });
}

/** A record's fingerprint: a failed comparison of 400 KB records would print them whole. */
function digest(record: EventRecord): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}

function invocationTypes(functionName: string): Array<string | undefined> {
  return invocationsOf(functionName).map((request) => request.headers['X-Amz-Invocation-Type']);
}

function payloads(functionName: string): string[] {
  return invocationsOf(functionName).map((request) => request.body.toString('utf8'));
}

describe('lambda target', () => {
  it('invokes the function asynchronously with the Kinesis event records, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const functionName = await createFunction();
    await putTargets(table, [{ sourceArn, id: 'function', type: 'lambda', destination: functionName, active: true }]);
    const event = kinesisEvent(sourceArn, records);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(invocationTypes(functionName)).toEqual(['Event']);
    expect(payloads(functionName)).toEqual([invocationPayload(event.Records)]);
  });

  it('passes DynamoDB changes on as their event records, images converted to plain JSON with convertDDB', async () => {
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    const [asStored, converted] = [await createFunction(), await createFunction()];
    await putTargets(table, [
      { sourceArn, id: 'as-stored', type: 'lambda', destination: asStored, active: true },
      { sourceArn, id: 'converted', type: 'lambda', destination: converted, active: true, convertDDB: true },
    ]);
    const event = dynamodbEvent(sourceArn, [
      { eventName: 'INSERT', keys: { id: 'k1' }, newImage: { id: 'k1', count: 1, tags: new Set(['x']) } },
      { eventName: 'MODIFY', keys: { id: 'k1' }, oldImage: { id: 'k1', count: 1 }, newImage: { id: 'k1', count: 2 } },
      { eventName: 'REMOVE', keys: { id: 'k1' }, oldImage: { id: 'k1', count: 2 } },
    ]);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(payloads(asStored)).toEqual([invocationPayload(event.Records)]);
    const [insert, modify, remove] = event.Records;
    const plain = (record: DynamoDBRecord, images: Record<string, unknown>) => ({ ...record, dynamodb: { ...record.dynamodb, ...images } });
    expect(payloads(converted)).toEqual([
      JSON.stringify({
        Records: [
          plain(insert!, { Keys: { id: 'k1' }, NewImage: { id: 'k1', count: 1, tags: ['x'] } }),
          plain(modify!, { Keys: { id: 'k1' }, NewImage: { id: 'k1', count: 2 }, OldImage: { id: 'k1', count: 1 } }),
          plain(remove!, { Keys: { id: 'k1' }, OldImage: { id: 'k1', count: 2 } }),
        ],
      }),
    ]);
  });

  it('spreads records too big for one payload over several invocations, each within the async limit', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const functionName = await createFunction();
    await putTargets(table, [{ sourceArn, id: 'function', type: 'lambda', destination: functionName, active: true }]);
    // 300 KB of data makes an event record of ~400 KB (base64): two fit in one payload, three do not
    const event = kinesisEvent(
      sourceArn,
      ['a', 'b', 'c'].map((fill) => ({ partitionKey: fill, data: fill.repeat(300_000) })),
    );

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    const received = payloads(functionName);
    expect(received).toHaveLength(2);
    for (const payload of received) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(ASYNC_INVOKE_PAYLOAD_LIMIT_BYTES);
    // the invocations run concurrently (parallel is the default), so they arrive in any order
    const arrived = received.flatMap((payload) => (JSON.parse(payload) as { Records: EventRecord[] }).Records);
    expect(arrived.map(digest).sort()).toEqual(event.Records.map(digest).sort());
  });

  it('invokes the function with the credentials of the target role, assumed with its external id', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { role, credentials } = await secondAccountRole();
    const functionName = await createFunction({ credentials });
    await putTargets(table, [
      { sourceArn, id: 'cross-account', type: 'lambda', destination: functionName, active: true, role, externalId: 'fanout-test' },
    ]);
    const event = kinesisEvent(sourceArn, records);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    // moto answers an Invoke of any name in any account, so what shows the account is who signed it
    expect(assumeRoleRequests(role).map((parameters) => parameters.get('ExternalId'))).toEqual(['fanout-test']);
    expect(payloads(functionName)).toEqual([invocationPayload(event.Records)]);
    expect(invocationsOf(functionName).map(signedWithAssumedRole)).toEqual([true]);
  });

  it('fails the records when Invoke fails: batchItemFailures names the earliest', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'unreachable', type: 'lambda', destination: uniqueName('function'), active: true }]);
    const event = kinesisEvent(sourceArn, records);
    // the Fanout makes its Lambda client on first use, and the SDK prefers this variable to AWS_ENDPOINT_URL
    process.env.AWS_ENDPOINT_URL_LAMBDA = await closedPortUrl();
    const fanout = testFanout(table);
    try {
      expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_LAMBDA;
    }
    const failures = recordOutcomeLines(fanout, 'failed');
    expect(failures).toHaveLength(records.length);
    expect(String(failures[0]!.message)).toContain('ECONNREFUSED');
  });
});
