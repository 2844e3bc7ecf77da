import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TargetRowInput } from '../../src/config/schema.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../src/delivery/retry.js';
import { dynamodbEvent, kinesisEvent } from '../support/events.js';
import { createTargetsTable, dynamodbSourceArn, kinesisSourceArn, putTargets, testFanout } from '../support/harness.js';
import { kinesisDocument, sink, uniqueSinkPath } from '../support/http.js';
import { recordOutcomeLines } from '../support/logs.js';
import { closedPortUrl, startLocalServer } from '../support/servers.js';

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: Buffer.from([0xff, 0x00, 0xfe]) },
  { partitionKey: 'a', data: '{"n":3}' },
];

/** A table with one http target posting to `url`, and a Kinesis event of `eventRecords` for its source. */
async function oneTarget(url: string, row: Partial<TargetRowInput>, eventRecords: Parameters<typeof kinesisEvent>[1] = records) {
  const table = await createTargetsTable();
  const sourceArn = kinesisSourceArn();
  await putTargets(table, [{ sourceArn, id: 'http', type: 'http', destination: url, active: true, ...row }]);
  return { fanout: testFanout(table), event: kinesisEvent(sourceArn, eventRecords) };
}

async function bodies(path: string): Promise<string[]> {
  return (await sink.requests(path)).map((request) => request.bytes.toString('utf8'));
}

describe('http target', () => {
  it('POSTs each collapse mode with its body and content type, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const modes = ['none', 'JSON', 'concat', 'concat-b64'] as const;
    const paths = Object.fromEntries(modes.map((collapse) => [collapse, uniqueSinkPath()])) as Record<(typeof modes)[number], string>;
    await putTargets(
      table,
      modes.map((collapse) => ({ sourceArn, id: `to-${collapse}`, type: 'http', destination: sink.url(paths[collapse]), active: true, collapse })),
    );
    const event = kinesisEvent(sourceArn, records);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    const received = async (collapse: (typeof modes)[number]) =>
      (await sink.requests(paths[collapse])).map((request) => [request.method, request.headers['content-type'], request.bytes]);
    const concatenated = Buffer.concat(records.map((record) => Buffer.from(record.data)));
    // one request per record, sent concurrently: they arrive in any order
    expect((await bodies(paths.none)).sort()).toEqual(event.Records.map(kinesisDocument).sort());
    expect((await received('none')).map(([method, contentType]) => [method, contentType])).toEqual(records.map(() => ['POST', 'application/json']));
    expect(await received('JSON')).toEqual([
      ['POST', 'application/json', Buffer.from(`{"Records":[${event.Records.map(kinesisDocument).join(',')}]}`)],
    ]);
    expect(await received('concat')).toEqual([['POST', 'application/octet-stream', concatenated]]);
    expect(await received('concat-b64')).toEqual([['POST', 'text/plain', Buffer.from(concatenated.toString('base64'))]]);
  });

  it('POSTs DynamoDB changes as their event records', async () => {
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    const path = uniqueSinkPath();
    await putTargets(table, [
      { sourceArn, id: 'none', type: 'http', destination: sink.url(`${path}/none`), active: true, collapse: 'none', parallel: false },
      { sourceArn, id: 'json', type: 'http', destination: sink.url(`${path}/json`), active: true, collapse: 'JSON' },
    ]);
    const event = dynamodbEvent(sourceArn, [
      { eventName: 'INSERT', keys: { id: 'k1' }, newImage: { id: 'k1', count: 1 } },
      { eventName: 'REMOVE', keys: { id: 'k1' }, oldImage: { id: 'k1', count: 1 } },
    ]);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodies(`${path}/none`)).toEqual(event.Records.map((record) => JSON.stringify(record)));
    expect(await bodies(`${path}/json`)).toEqual([JSON.stringify({ Records: event.Records })]);
  });

  it('keeps the order of the records with parallel false', async () => {
    const path = uniqueSinkPath();
    const ordered = Array.from({ length: 20 }, (_, n) => ({ partitionKey: `key-${n % 3}`, data: `record ${n}` }));
    const { fanout, event } = await oneTarget(sink.url(path), { collapse: 'none', parallel: false }, ordered);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodies(path)).toEqual(event.Records.map(kinesisDocument));
  });

  it('fails the records when every answer is 500: batchItemFailures names the earliest', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 500 });
    const { fanout, event } = await oneTarget(sink.url(path), { collapse: 'none' });

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });

    expect((await sink.requests(path)).length).toBeGreaterThan(records.length);
    const failures = recordOutcomeLines(fanout, 'failed');
    expect(failures).toHaveLength(records.length);
    expect(String(failures[0]!.message)).toContain('HTTP 500');
  });

  it('retries 503 and 429 until the endpoint takes the body', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path: `${path}/unavailable`, status: 503, count: 2 });
    await sink.respondWith({ path: `${path}/throttled`, status: 429, count: 1 });
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(
      table,
      ['unavailable', 'throttled'].map((name) => ({ sourceArn, id: name, type: 'http', destination: sink.url(`${path}/${name}`), active: true })),
    );
    const event = kinesisEvent(sourceArn, records);
    const collapsed = `{"Records":[${event.Records.map(kinesisDocument).join(',')}]}`;

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodies(`${path}/unavailable`)).toEqual([collapsed, collapsed, collapsed]);
    expect(await bodies(`${path}/throttled`)).toEqual([collapsed, collapsed]);
  });

  it('rejects a record the endpoint refuses with 400, without retrying it, and delivers the others', async () => {
    const path = uniqueSinkPath();
    await sink.respondWith({ path, status: 400, count: 1 });
    const { fanout, event } = await oneTarget(sink.url(path), { collapse: 'none', parallel: false });

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodies(path)).toEqual(event.Records.map(kinesisDocument));
    const rejections = recordOutcomeLines(fanout, 'rejected');
    expect(rejections.map((line) => line.sequenceNumber)).toEqual([event.Records[0]!.kinesis.sequenceNumber]);
    expect(String(rejections[0]!.message)).toContain('HTTP 400');
  });

  it('rejects a redirect instead of following it (a followed 301 would turn the POST into a GET without the body)', async () => {
    const path = uniqueSinkPath();
    const redirecting = await startLocalServer((_request, response) => {
      response.writeHead(301, { location: sink.url(path) });
      response.end();
    });
    try {
      const { fanout, event } = await oneTarget(redirecting.url, { collapse: 'JSON' });

      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

      expect(await sink.requests(path)).toEqual([]);
      expect(recordOutcomeLines(fanout, 'rejected').map((line) => String(line.message))).toEqual(
        records.map(() => expect.stringContaining('HTTP 301')),
      );
    } finally {
      await redirecting.close();
    }
  });

  it('sends the Authorization header from the variable authorizationEnv names, read at each send, and never logs it', async () => {
    const path = uniqueSinkPath();
    const variable = `FANOUT_TEST_AUTHORIZATION_${randomUUID().replaceAll('-', '_')}`;
    const [first, rotated] = [`Bearer ${randomUUID()}`, `Bearer ${randomUUID()}`];
    // the refused request makes a log line that could carry the header, were it logged
    await sink.respondWith({ path, status: 401, count: 1 });
    const { fanout, event } = await oneTarget(sink.url(path), { collapse: 'none', parallel: false, authorizationEnv: variable });
    try {
      process.env[variable] = first;
      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
      process.env[variable] = rotated;
      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
    } finally {
      delete process.env[variable];
    }

    const authorizations = (await sink.requests(path)).map((request) => request.headers.authorization);
    expect(authorizations).toEqual([...records.map(() => first), ...records.map(() => rotated)]);
    expect(recordOutcomeLines(fanout, 'rejected').map((line) => String(line.message))).toEqual([expect.stringContaining('HTTP 401')]);
    const logged = JSON.stringify(fanout.logs);
    expect(logged).not.toContain(first);
    expect(logged).not.toContain(rotated);
  });

  it('fails the records, naming the variable, when the variable authorizationEnv names is not set', async () => {
    const path = uniqueSinkPath();
    const variable = `FANOUT_TEST_UNSET_${randomUUID().replaceAll('-', '_')}`;
    const { fanout, event } = await oneTarget(sink.url(path), { authorizationEnv: variable });

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });

    expect(await sink.requests(path)).toEqual([]);
    expect(recordOutcomeLines(fanout, 'failed').map((line) => String(line.message))).toEqual(
      records.map(() => expect.stringContaining(`environment variable ${variable}`)),
    );
  });

  it('fails the records when nothing listens at the URL', async () => {
    const { fanout, event } = await oneTarget(await closedPortUrl(), { collapse: 'none' });

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });

    expect(recordOutcomeLines(fanout, 'failed').map((line) => String(line.message))).toEqual(records.map(() => expect.stringContaining('ECONNREFUSED')));
  });

  it.each([
    { collapse: 'JSON', requests: 'one request' },
    { collapse: 'none', requests: 'a request a record, in flight together' },
  ] as const)(
    'gives up on what the endpoint never answers when the invocation runs out of time, not later (collapse $collapse: $requests)',
    async ({ collapse }) => {
      const silent = await startLocalServer(() => undefined);
      try {
        const { fanout, event } = await oneTarget(silent.url, { collapse });
        const started = Date.now();

        expect(await fanout.process(event, 1_000)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });

        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(900);
        expect(elapsed).toBeLessThan(DEFAULT_REQUEST_TIMEOUT_MS);
        const failed = recordOutcomeLines(fanout, 'failed');
        expect(failed.map((line) => line.sequenceNumber)).toEqual(event.Records.map((record) => record.kinesis.sequenceNumber));
        expect(String(failed[0]!.message)).toContain('TimeoutError');
        // each request given up is ended, its connection with it: none is left waiting
        await expect.poll(() => silent.connections()).toBe(0);
      } finally {
        await silent.close();
      }
    },
    DEFAULT_REQUEST_TIMEOUT_MS + 20_000,
  );
});
