import { startFaultProxy, type FakeAws, type FaultProxy } from '@fanout/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { createTargetsTable, putTargets, testFanout } from '../support/harness.js';
import { sink, uniqueSinkPath } from '../support/http.js';
import { createFailureBucket, createProgressTable, storedCount, storedFailures } from '../support/isolation.js';
import { RECORDS, SHARDS, distinctCount, figuresDestinations, figuresLog, figuresPoller, receivedByHttp, sourceStream, tally } from '../support/figures.js';

/**
 * README's "a target down for the whole run": an http target whose endpoint refuses every call
 * (503, or the connection dropped) with maxRecordAgeSeconds 30, beside a healthy queue and a
 * healthy http endpoint; then the endpoint comes back and redrive delivers what its store kept.
 */
const MAX_RECORD_AGE_SECONDS = 30;
const REDRIVE_PAGE = 1_000;

const proxies: FaultProxy[] = [];
const fakes: FakeAws[] = [];
afterAll(() => Promise.all([...proxies.map((proxy) => proxy.stop()), ...fakes.map((fake) => fake.stop())]));

describe('figures: a target down for the whole run', () => {
  it(`keeps every one of ${RECORDS} records in the down target's store while the others get each once; redrive delivers each once`, async () => {
    const source = await sourceStream();
    const destinations = await figuresDestinations(fakes);
    const [queue, healthyPath, downPath] = [await destinations.queue(), uniqueSinkPath(), uniqueSinkPath()];
    const down = await startFaultProxy({ upstream: sink.url(''), seed: 12, faults: [{ operations: ['http'], rates: { error503: 0.5, dropBeforeForward: 0.5 } }] });
    proxies.push(down);

    const table = await createTargetsTable();
    const bucket = await createFailureBucket();
    await putTargets(table, [
      { sourceArn: source, id: 'http-down', type: 'http', destination: `${down.endpoint}${downPath}`, active: true, collapse: 'none', maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS },
      { sourceArn: source, id: 'http-healthy', type: 'http', destination: sink.url(healthyPath), active: true, collapse: 'none' },
      { sourceArn: source, id: 'sqs-healthy', type: 'sqs', destination: queue.address, active: true, collapse: 'none' },
    ]);
    const { fanout } = testFanout(table, {
      progressTableName: await createProgressTable(),
      failureStore: bucket,
      retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 5_000 },
      log: figuresLog(),
    });
    const poller = figuresPoller(fanout, source);

    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    let healthyDoneAt: number | undefined;
    let stored = 0;
    poller.start();
    try {
      await expect
        .poll(
          async () => {
            const healthy = Math.min(distinctCount(await queue.received()), distinctCount(receivedByHttp(await sink.requests(healthyPath))));
            if (healthy >= RECORDS) healthyDoneAt ??= seconds();
            stored = await storedCount(bucket, source, 'http-down');
            if (process.env.FANOUT_FIGURES_LOG) console.log({ at: seconds(), healthy, stored });
            return Math.min(healthy, stored);
          },
          { interval: 2_000, timeout: 8 * 60_000 },
        )
        .toBeGreaterThanOrEqual(RECORDS);
    } finally {
      await poller.stop();
    }
    const storedAt = seconds();
    const [sample] = await storedFailures(bucket, source, 'http-down', 1);

    // the endpoint is back: redrive, a page at a time, as `fanout-console redrive --max` would
    down.setFaults([]);
    const redriven = { delivered: 0, failedAgain: 0, calls: 0 };
    try {
      for (let remaining = RECORDS; remaining > 0 && redriven.calls < (2 * RECORDS) / REDRIVE_PAGE + 5; redriven.calls++) {
        const report = await fanout.redrive(source, 'http-down', { max: REDRIVE_PAGE, remainingTimeMs: () => 5 * 60_000 });
        redriven.delivered += report.delivered;
        redriven.failedAgain += report.failedAgain;
        remaining = report.remaining;
      }
    } finally {
      await fanout.close();
    }
    const figures = {
      'http-down': { ...tally(receivedByHttp(await sink.requests(downPath))), stored, remainingInStore: await storedCount(bucket, source, 'http-down') },
      'http-healthy': tally(receivedByHttp(await sink.requests(healthyPath))),
      'sqs-healthy': tally(await queue.received()),
    };
    console.log(
      JSON.stringify(
        { records: RECORDS, shards: SHARDS, maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS, healthyDoneAtSeconds: healthyDoneAt, storedAtSeconds: storedAt, redriveSeconds: seconds() - storedAt, redriven, targets: figures },
        null,
        2,
      ),
    );

    expect(sample!.reason).toMatch(/older than maxRecordAgeSeconds 30/);
    expect(sample!.target).toMatchObject({ id: 'http-down', type: 'http' });
    for (const id of ['http-healthy', 'sqs-healthy'] as const) expect(figures[id]).toMatchObject({ lost: 0, duplicates: 0 });
    // nothing reached the endpoint while it was down; redrive sent each record once
    expect(figures['http-down']).toMatchObject({ lost: 0, duplicates: 0, remainingInStore: 0 });
    expect(redriven).toMatchObject({ delivered: RECORDS, failedAgain: 0 });
  });
});
