import { motoRequests, uniqueName } from '@fanout/testbed';
import { afterEach, describe, expect, it } from 'vitest';
import type { TargetRowInput } from '../src/config/schema.js';
import { kinesisEvent } from './support/events.js';
import { aws, createTargetsTable, kinesisSourceArn, putTargets, testFanout, type TestFanout } from './support/harness.js';
import { kplAggregate, withCorruptedChecksum } from './support/kpl.js';
import { recordOutcomeLines } from './support/logs.js';
import { metricSum } from './support/metrics.js';
import { startRecordRefusingEndpoint, type LocalServer } from './support/servers.js';
import { createQueue, drainQueue } from './support/sqs.js';

const bodiesOf = async (queueUrl: string) => (await drainQueue(queueUrl)).map((message) => message.Body);

/** A fanout on a new targets table holding `rows`. */
async function fanoutWith(rows: readonly TargetRowInput[], namespace?: string): Promise<TestFanout> {
  const table = await createTargetsTable();
  await putTargets(table, rows);
  return testFanout(table, namespace === undefined ? {} : { metricsNamespace: namespace });
}

/** The failed records each target logged, as [target, sequence number], sorted. */
function failedAt(fanout: TestFanout): unknown[][] {
  return recordOutcomeLines(fanout, 'failed')
    .map((line) => [line.target, line.sequenceNumber])
    .sort((a, b) => String(a).localeCompare(String(b)));
}

/** The Query requests moto answered for the table: one per page read. */
function queriesOf(table: string): number {
  return motoRequests(aws, /^\/$/).filter(
    (request) =>
      request.headers['X-Amz-Target'] === 'DynamoDB_20120810.Query' &&
      (JSON.parse(request.body.toString('utf8')) as { TableName?: string }).TableName === table,
  ).length;
}

const numbered = (count: number) => Array.from({ length: count }, (_, n) => ({ partitionKey: `key-${n}`, data: `record ${n}` }));

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function refusing(refuses: (data: string) => boolean) {
  const endpoint = await startRecordRefusingEndpoint(refuses);
  servers.push(endpoint);
  return endpoint;
}

describe('pipeline failures', () => {
  it('delivers everything to a working target beside a failing one, and reports the earliest record the failing one did not take', async () => {
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    const endpoint = await refusing((data) => data === 'record 2' || data === 'record 4');
    const fanout = await fanoutWith([
      { sourceArn, id: 'failing', type: 'http', destination: endpoint.url, active: true, collapse: 'none' },
      { sourceArn, id: 'working', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' },
    ]);
    const records = numbered(6);
    const event = kinesisEvent(sourceArn, records);
    const sequenceNumber = (index: number) => event.Records[index]!.kinesis.sequenceNumber;

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }] });

    expect(await bodiesOf(queueUrl)).toEqual(records.map((record) => record.data));
    expect([...endpoint.taken].sort()).toEqual(['record 0', 'record 1', 'record 3', 'record 5']);
    expect(failedAt(fanout)).toEqual([
      ['failing', sequenceNumber(2)],
      ['failing', sequenceNumber(4)],
    ]);
  });

  it('reports the earliest failed record of two failing targets, whichever target it failed at', async () => {
    const sourceArn = kinesisSourceArn();
    const [refusesThird, refusesFirst] = [await refusing((data) => data === 'record 3'), await refusing((data) => data === 'record 1')];
    // the rows are read in id order: the target read first fails at the later record
    const fanout = await fanoutWith([
      { sourceArn, id: 'a-fails-at-record-3', type: 'http', destination: refusesThird.url, active: true, collapse: 'none' },
      { sourceArn, id: 'b-fails-at-record-1', type: 'http', destination: refusesFirst.url, active: true, collapse: 'none' },
    ]);
    const event = kinesisEvent(sourceArn, numbered(5));
    const sequenceNumber = (index: number) => event.Records[index]!.kinesis.sequenceNumber;

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(1) }] });

    expect(failedAt(fanout)).toEqual([
      ['a-fails-at-record-3', sequenceNumber(3)],
      ['b-fails-at-record-1', sequenceNumber(1)],
    ]);
  });

  it('reports a KPL aggregate by its own sequence number when its second user record fails', async () => {
    const sourceArn = kinesisSourceArn();
    const endpoint = await refusing((data) => data === 'user record 2');
    const fanout = await fanoutWith([
      { sourceArn, id: 'opened', type: 'http', destination: endpoint.url, active: true, collapse: 'none', deaggregate: true },
    ]);
    const aggregate = kplAggregate([
      { partitionKey: 'user-1', data: 'user record 1' },
      { partitionKey: 'user-2', data: 'user record 2' },
    ]);
    const event = kinesisEvent(sourceArn, [{ partitionKey: 'before', data: 'before' }, aggregate, { partitionKey: 'after', data: 'after' }]);
    const aggregateSequenceNumber = event.Records[1]!.kinesis.sequenceNumber;

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: aggregateSequenceNumber }] });

    expect([...endpoint.taken].sort()).toEqual(['after', 'before', 'user record 1']);
    expect(recordOutcomeLines(fanout, 'failed').map((line) => [line.sequenceNumber, line.subSequenceNumber])).toEqual([
      [aggregateSequenceNumber, 1],
    ]);
  });

  it('logs an undecodable record without its payload, counts it, and delivers the other records', async () => {
    const sourceArn = kinesisSourceArn();
    const [opened, whole] = [await createQueue(), await createQueue()];
    const namespace = uniqueName('Test/FanOut');
    const fanout = await fanoutWith(
      [
        { sourceArn, id: 'opened', type: 'sqs', destination: opened, active: true, collapse: 'none', deaggregate: true },
        { sourceArn, id: 'whole', type: 'sqs', destination: whole, active: true, collapse: 'concat-b64' },
      ],
      namespace,
    );
    const corrupted = withCorruptedChecksum(
      kplAggregate([
        { partitionKey: 'user-1', data: 'private payload one' },
        { partitionKey: 'user-2', data: 'private payload two' },
      ]),
    );
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'one', data: 'one' },
      { partitionKey: 'corrupted', data: corrupted },
      { partitionKey: 'three', data: 'three' },
    ]);
    const corruptedRecord = event.Records[1]!.kinesis;

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodiesOf(opened)).toEqual(['one', 'three']);
    // a target that does not open aggregates takes the record as it is
    expect(await bodiesOf(whole)).toEqual([Buffer.concat([Buffer.from('one'), corrupted, Buffer.from('three')]).toString('base64')]);
    const undecodable = fanout.logs.filter((line) => String(line.message).startsWith('1 record could not be decoded'));
    expect(undecodable).toEqual([
      expect.objectContaining({ level: 'warn', count: 1, records: [corruptedRecord.sequenceNumber], message: expect.stringMatching(/checksum/i) }),
    ]);
    const logged = JSON.stringify(fanout.logs.filter((line) => line.level !== 'debug'));
    expect(logged).not.toContain('private payload');
    expect(logged).not.toContain(corruptedRecord.data);
    expect(await metricSum(namespace, 'UndecodableRecords', { Function: 'fanout-test', Source: sourceArn })).toBe(1);
  });

  it('reads every page of the targets table: an active target after the first page delivers', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    // 150 rows of 10 KB: over the 1 MB a Query answers at most, so the table comes in pages
    const longUrl = `https://example.invalid/${'x'.repeat(10_000)}`;
    const inactive = Array.from({ length: 150 }, (_, n): TargetRowInput => ({
      sourceArn,
      id: `inactive-${String(n).padStart(3, '0')}`,
      type: 'http',
      destination: longUrl,
      active: false,
    }));
    // ids sort after "inactive-": the active row is read last
    await putTargets(table, [...inactive, { sourceArn, id: 'zz-active', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);

    const fanout = testFanout(table);
    expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'found on a later page' }]))).toEqual({
      batchItemFailures: [],
    });

    expect(queriesOf(table)).toBeGreaterThan(1);
    expect(await bodiesOf(queueUrl)).toEqual(['found on a later page']);
  });
});
