import { motoRequests } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { AwsClients } from '../src/aws/clients.js';
import type { TargetRowInput } from '../src/config/schema.js';
import type { RetryPolicy } from '../src/delivery/retry.js';
import { kinesisEvent } from './support/events.js';
import { kplAggregate, withCorruptedChecksum } from './support/kpl.js';
import { aws, createTargetsTable, kinesisSourceArn, putTargets, testFanout } from './support/harness.js';
import { sink, uniqueSinkPath } from './support/http.js';
import { createFailureBucket, createProgressTable, invokeWithRetries, storedFailures, targetStates } from './support/isolation.js';
import { outcomeLines } from './support/logs.js';
import { closedPortUrl, startLocalServer } from './support/servers.js';
import { bodiesIn, createQueue, drainQueue } from './support/sqs.js';

const records = Array.from({ length: 20 }, (_, index) => ({ partitionKey: `key-${index % 4}`, data: `record ${index}` }));

/** A deployment's three stores (targets, progress, failures) with these targets of one source, and a Fanout on them. */
async function deployment(rows: (sourceArn: string) => TargetRowInput[], retry: RetryPolicy = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }) {
  const [table, progressTable, failureStore] = await Promise.all([createTargetsTable(), createProgressTable(), createFailureBucket()]);
  const sourceArn = kinesisSourceArn();
  await putTargets(table, rows(sourceArn));
  const open = () => testFanout(table, { progressTableName: progressTable, failureStore, retry });
  return { table, progressTable, failureStore, sourceArn, open, fanout: open(), event: kinesisEvent(sourceArn, records) };
}

/** The progress table's calls moto received, by operation. */
function progressCalls(progressTable: string): string[] {
  return motoRequests(aws, /^\/$/)
    .filter((request) => request.body.includes(`"TableName":"${progressTable}"`))
    .map((request) => String(request.headers['X-Amz-Target']).split('.')[1]!);
}

describe('target isolation', () => {
  it('sends a healthy target each record once while a failing target beside it holds the shard, and shows that one stuck', async () => {
    const queue = await createQueue();
    const down = await closedPortUrl();
    const { fanout, event, progressTable, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'healthy', type: 'sqs', destination: queue, active: true, collapse: 'none' },
      { sourceArn: source, id: 'down', type: 'http', destination: down, active: true, collapse: 'none' },
    ]);

    const responses = await invokeWithRetries((batch) => fanout.process(batch), event, 4);

    expect(responses.map((response) => response.batchItemFailures.length)).toEqual([1, 1, 1, 1]);
    expect((await bodiesIn(queue)).sort()).toEqual(records.map((record) => record.data).sort());
    const states = await targetStates(progressTable, sourceArn);
    expect(states.down).toMatchObject({ state: 'stuck', lastError: expect.stringContaining('ECONNREFUSED'), heldSince: expect.any(String) });
    // a target that never failed costs no write of its state
    expect(states.healthy).toBeUndefined();
  });

  it('sends a parallel target again only the records its endpoint failed, not those it took beyond them', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 500, count: 3 });
    const { fanout, event } = await deployment(
      (source) => [{ sourceArn: source, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none', parallel: true }],
      { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
    );

    const responses = await invokeWithRetries((batch) => fanout.process(batch), event, 3);

    expect(responses.map((response) => response.batchItemFailures.length)).toEqual([1, 0]);
    const requests = await sink.requests(path);
    // 20 taken at once or on the retry, and the 3 answered 500 once each
    expect(requests).toHaveLength(records.length + 3);
    expect(new Set(requests.map((request) => request.bytes.toString('utf8'))).size).toBe(records.length);
  });

  it('puts a record the endpoint refuses in the failure store, whole, and does not hold the shard for it', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 400, count: 1, body: 'no such order' });
    const { fanout, failureStore, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none', parallel: false },
    ]);
    const event = kinesisEvent(sourceArn, records.slice(0, 3));

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const [first] = event.Records;
    expect(await storedFailures(failureStore, sourceArn, 'http')).toEqual([
      expect.objectContaining({
        sourceArn,
        shardId: 'shardId-000000000000',
        target: { id: 'http', type: 'http' },
        record: expect.objectContaining({
          key: first!.kinesis.partitionKey,
          sequenceNumber: first!.kinesis.sequenceNumber,
          data: first!.kinesis.data,
          action: 'PUT',
          approximateArrivalTimestamp: first!.kinesis.approximateArrivalTimestamp,
          eventRecord: first,
        }),
        reason: expect.stringContaining('HTTP 400'),
        attempts: 1,
      }),
    ]);
    expect((await sink.requests(path)).length).toBe(3);
  });

  it('moves a target that is down past its records once they failed in maxAttempts invocations, and redrive delivers each once when it is back', async () => {
    const queue = await createQueue();
    const down = await closedPortUrl();
    const { table, fanout, event, failureStore, sourceArn, progressTable, open } = await deployment((source) => [
      { sourceArn: source, id: 'healthy', type: 'sqs', destination: queue, active: true, collapse: 'none' },
      { sourceArn: source, id: 'down', type: 'http', destination: down, active: true, collapse: 'none', maxAttempts: 2 },
    ]);

    const responses = await invokeWithRetries((batch) => fanout.process(batch), event, 4);

    expect(responses.map((response) => response.batchItemFailures.length)).toEqual([1, 0]);
    expect((await bodiesIn(queue)).sort()).toEqual(records.map((record) => record.data).sort());
    const stored = await storedFailures(failureStore, sourceArn, 'down');
    expect(stored.map((failure) => failure.record.sequenceNumber)).toEqual(event.Records.map((record) => record.kinesis.sequenceNumber));
    expect(stored[0]).toMatchObject({ attempts: 2, reason: expect.stringMatching(/ECONNREFUSED.*maxAttempts 2/) });
    expect((await targetStates(progressTable, sourceArn)).down).toMatchObject({ state: 'ok', stored: records.length });

    // the endpoint back (the row pointed at a working one), redrive sends the store through the same delivery
    const path = uniqueSinkPath();
    await putTargets(table, [{ sourceArn, id: 'down', type: 'http', destination: sink.url(path), active: true, collapse: 'none', maxAttempts: 2 }]);
    const report = await open().fanout.redrive(sourceArn, 'down', { remainingTimeMs: () => 60_000 });

    expect(report).toEqual({ delivered: records.length, failedAgain: 0, remaining: 0 });
    expect((await sink.requests(path)).map((request) => JSON.parse(request.bytes.toString('utf8')).sequenceNumber as string).sort()).toEqual(
      event.Records.map((record) => record.kinesis.sequenceNumber).sort(),
    );
    expect(await storedFailures(failureStore, sourceArn, 'down')).toEqual([]);
    expect((await targetStates(progressTable, sourceArn)).down).toMatchObject({ stored: 0 });
  });

  it('holds a refused record, not drops it, where there is no failure store, and says why in the target\'s state', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 400, count: 1, body: 'no such order' });
    const [table, progressTable] = await Promise.all([createTargetsTable(), createProgressTable()]);
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none', parallel: false }]);
    const fanout = testFanout(table, { progressTableName: progressTable, failureStore: undefined, retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    const event = kinesisEvent(sourceArn, records.slice(0, 3));

    const response = await fanout.process(event);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    expect((await targetStates(progressTable, sourceArn)).http).toMatchObject({
      state: 'retrying',
      lastError: expect.stringContaining('held: no failure store to put it in (set onFailure on the target, or FAILURE_STORE on the function)'),
    });
    // the retry sends it alone again (the others were taken), and the endpoint takes it now
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
    expect((await sink.requests(path)).map((request) => JSON.parse(request.bytes.toString('utf8')).sequenceNumber as string)).toEqual(
      [...event.Records, event.Records[0]!].map((record) => record.kinesis.sequenceNumber),
    );
  });

  it('keeps the progress and the stored failures of each shard apart where two shards number their records alike (as moto does)', async () => {
    const queue = await createQueue();
    const down = await closedPortUrl();
    const { fanout, event, failureStore, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'healthy', type: 'sqs', destination: queue, active: true, collapse: 'none' },
      { sourceArn: source, id: 'down', type: 'http', destination: down, active: true, collapse: 'none', maxAttempts: 2 },
    ]);
    // the second shard's records: the same sequence numbers, other data
    const otherShard = {
      Records: event.Records.map((record, index) => ({
        ...record,
        eventID: record.eventID.replace('shardId-000000000000', 'shardId-000000000001'),
        kinesis: { ...record.kinesis, data: Buffer.from(`other shard ${index}`).toString('base64') },
      })),
    };

    // each shard's first try fails at the down target (progress written), then each retry
    for (const batch of [event, otherShard, event, otherShard]) await fanout.process(batch);

    expect((await bodiesIn(queue)).sort()).toEqual([...records.map((record) => record.data), ...records.map((_, index) => `other shard ${index}`)].sort());
    const stored = await storedFailures(failureStore, sourceArn, 'down');
    expect(stored.map((failure) => Buffer.from(failure.record.data, 'base64').toString()).sort()).toEqual(
      [...records.map((record) => record.data), ...records.map((_, index) => `other shard ${index}`)].sort(),
    );
  });

  it('costs one read of the progress table an invocation and no write while nothing fails', async () => {
    const queue = await createQueue();
    const { fanout, sourceArn, progressTable } = await deployment((source) => [
      { sourceArn: source, id: 'healthy', type: 'sqs', destination: queue, active: true, collapse: 'none' },
    ]);

    const before = progressCalls(progressTable).length;
    for (let invocation = 0; invocation < 3; invocation++) {
      expect(await fanout.process(kinesisEvent(sourceArn, records.slice(0, 5)))).toEqual({ batchItemFailures: [] });
    }

    expect(progressCalls(progressTable).slice(before)).toEqual(['GetItem', 'GetItem', 'GetItem']);
  });

  it.each([
    ['an SDK client (sqs)', 'sqs' as const],
    ['the http sender', 'http' as const],
  ])('gives up a request that never answers after REQUEST_TIMEOUT_MS through %s, not at the deadline, and logs it once for the batch', async (_name, type) => {
    const silent = await startLocalServer(() => undefined);
    // the SDK sends a queue's calls to the host of its URL: the silent server's
    const destination = type === 'sqs' ? `${silent.url}/123456789012/never-answers` : silent.url;
    const { fanout, event } = await deployment(
      (source) => [{ sourceArn: source, id: 'hung', type, destination, active: true, collapse: 'none' }],
      { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, requestTimeoutMs: 500 },
    );
    try {
      const started = Date.now();
      const timeLeftMs = 120_000;
      expect(await fanout.process(event, timeLeftMs)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
      // two sends of 500 ms each: a client without a timeout would have waited for the whole invocation
      expect(Date.now() - started).toBeLessThan(timeLeftMs / 2);
      const lines = outcomeLines(fanout, 'failed');
      expect(lines).toEqual([expect.objectContaining({ count: records.length, reason: expect.stringMatching(/Timeout|timed out|aborted/i) })]);
    } finally {
      await silent.close();
    }
  });

  it('keeps each kind of poison record in its target\'s store with its reason, logged once, and moves on', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 400, count: 1, body: 'refused' });
    const [queue, json] = [await createQueue(), await createQueue()];
    const { fanout, failureStore, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'opens-kpl', type: 'sqs', destination: queue, active: true, collapse: 'none', deaggregate: true },
      { sourceArn: source, id: 'json', type: 'sqs', destination: json, active: true, collapse: 'JSON' },
      { sourceArn: source, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none', parallel: false },
    ]);
    const corrupted = withCorruptedChecksum(kplAggregate([{ partitionKey: 'user', data: '{"n":1}' }, { partitionKey: 'user', data: '{"n":2}' }]));
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'first', data: '{"n":0}' },
      { partitionKey: 'corrupted', data: corrupted },
      { partitionKey: 'text', data: 'not json' },
      { partitionKey: 'large', data: `"${'x'.repeat(1_048_576)}"` },
    ]);
    const [first, aggregate, text, large] = event.Records.map((record) => record.kinesis.sequenceNumber);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const stored = async (id: string) => (await storedFailures(failureStore, sourceArn, id)).map((failure) => [failure.record.sequenceNumber, failure.reason]);
    expect(await stored('opens-kpl')).toEqual([
      [aggregate, expect.stringMatching(/could not be decoded.*checksum/i)],
      [large, expect.stringMatching(/more than the \d+-byte limit of sqs/)],
    ]);
    expect(await stored('json')).toEqual([
      [aggregate, expect.stringContaining('not JSON')],
      [text, expect.stringContaining('not JSON')],
      [large, expect.stringMatching(/more than the 1048576-byte limit/)],
    ]);
    expect(await stored('http')).toEqual([[first, expect.stringContaining('HTTP 400')]]);
    // the whole aggregate is kept, as the stream had it
    expect((await storedFailures(failureStore, sourceArn, 'opens-kpl'))[0]!.record.data).toBe(corrupted.toString('base64'));
    expect((await drainQueue(queue)).map((message) => message.Body)).toEqual(['{"n":0}', 'not json']);
    const lines = (id: string) => outcomeLines(fanout, 'rejected').filter((line) => line.target === id).map((line) => line.count);
    expect(lines('json')).toEqual([2, 1]);
    expect(lines('http')).toEqual([1]);
  });

  it('moves a failing target past records older than its maxRecordAgeSeconds, into a queue store, a document too large for a message kept whole in S3', async () => {
    const failures = await createQueue();
    const down = await closedPortUrl();
    const { fanout, failureStore, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'down', type: 'http', destination: down, active: true, collapse: 'none', maxRecordAgeSeconds: 60, onFailure: queueArn(failures) },
    ]);
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'old', data: 'small' },
      { partitionKey: 'old', data: 'y'.repeat(300_000) },
    ]);

    // the records arrived in 2025: far past a minute
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const messages = (await drainQueue(failures)).map((message) => JSON.parse(message.Body!) as Record<string, unknown>);
    expect(messages).toEqual([
      expect.objectContaining({ fanoutFailure: 1, target: { id: 'down', type: 'http' }, reason: expect.stringMatching(/ECONNREFUSED.*maxRecordAgeSeconds 60/) }),
      expect.objectContaining({ fanoutFailurePointer: 1, bucket: failureStore.split(':::')[1], sequenceNumber: event.Records[1]!.kinesis.sequenceNumber }),
    ]);
    const [whole] = await storedFailures(failureStore, sourceArn, 'down');
    expect(Buffer.from(whole!.record.data, 'base64').toString()).toBe('y'.repeat(300_000));
  });

  it('keeps failures in a bucket of an S3 endpoint named by host name, such as localhost (path-style addressing)', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 400, count: 1 });
    const { table, progressTable, failureStore, sourceArn } = await deployment((source) => [
      { sourceArn: source, id: 'http', type: 'http', destination: sink.url(path), active: true, collapse: 'none' },
    ]);
    const clients = new AwsClients('fanout-test', { endpoint: aws.endpoint.replace('127.0.0.1', 'localhost'), credentials: async () => aws.credentials });
    const fanout = testFanout(table, { progressTableName: progressTable, failureStore }, clients);
    const event = kinesisEvent(sourceArn, records.slice(0, 1));

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect((await storedFailures(failureStore, sourceArn, 'http')).map((failure) => failure.record.sequenceNumber)).toEqual([event.Records[0]!.kinesis.sequenceNumber]);
  });
});

function queueArn(queueUrl: string): string {
  const [account, name] = new URL(queueUrl).pathname.split('/').slice(1);
  return `arn:aws:sqs:us-east-1:${account}:${name}`;
}
