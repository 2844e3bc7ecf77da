import { startFaultProxy, type FakeAws, type FaultPlan, type FaultProxy, type FaultRates } from '@fanout/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { createTargetsTable, putTargets, testFanout } from '../support/harness.js';
import { sink, uniqueSinkPath } from '../support/http.js';
import { createFailureBucket, createProgressTable } from '../support/isolation.js';
import {
  RECORDS,
  SHARDS,
  distinctCount,
  figuresDestinations,
  figuresLog,
  figuresPoller,
  receivedByHttp,
  sourceStream,
  tally,
} from '../support/figures.js';

/**
 * The figures of README's "Target isolation": records from a 4-shard stream through the local
 * poller to three targets whose calls are faulted in every way the fault proxy has, and a fourth
 * that is not (how many, and whose queues: see support/figures.ts).
 */
/** A fifth of the target calls faulted, spread over every kind. */
const RATES: FaultRates = { error500: 0.03, error503: 0.03, throttle: 0.04, partial: 0.04, slow: 0.02, dropBeforeForward: 0.02, dropAfterForward: 0.02 };
const UNBATCHED_RATES: FaultRates = { error500: 0.04, error503: 0.04, throttle: 0.04, slow: 0.02, dropBeforeForward: 0.03, dropAfterForward: 0.03 };
/**
 * A send is given up after this long: a slow answer (the proxy's, longer) is given up though what it
 * carried was written, an ambiguous fault. Far above what an answer takes on a busy machine, so
 * that no answer the proxy did not slow is given up: that would be a duplicate no fault made.
 */
const REQUEST_TIMEOUT_MS = 5_000;
const SLOW = { delayMs: REQUEST_TIMEOUT_MS + 1_000, then: 'answer' as const };

const proxies: FaultProxy[] = [];
const fakes: FakeAws[] = [];
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_KINESIS;
  await Promise.all([...proxies.map((proxy) => proxy.stop()), ...fakes.map((fake) => fake.stop())]);
});

describe('figures: target isolation under injected faults', () => {
  it(`delivers ${RECORDS} records to every target, none lost, none twice to the healthy one, in order per key where parallel is false`, async () => {
    const source = await sourceStream();
    const destinations = await figuresDestinations(fakes);
    const [faultedQueue, healthyQueue, destination, path] = [await destinations.queue(), await destinations.queue(), await destinations.stream(), uniqueSinkPath()];
    const awsProxy = await startFaultProxy({ upstream: destinations.upstream, seed: 10, faults: [] });
    const sinkProxy = await startFaultProxy({ upstream: sink.url(''), seed: 11, faults: [] });
    proxies.push(awsProxy, sinkProxy);
    const plan = (operations: FaultPlan['operations'], rates: FaultRates): FaultPlan => ({ operations, rates, slow: SLOW });
    awsProxy.setFaults([plan(['sqs.SendMessageBatch', 'kinesis.PutRecords'], RATES)]);
    sinkProxy.setFaults([plan(['http'], UNBATCHED_RATES)]);

    const table = await createTargetsTable();
    // the faulted queue's calls go to the proxy: the SDK sends a queue's calls to the host of its URL
    const throughProxy = (queueUrl: string) => `${awsProxy.endpoint}${new URL(queueUrl).pathname}`;
    await putTargets(table, [
      { sourceArn: source, id: 'sqs-faulted', type: 'sqs', destination: throughProxy(faultedQueue.address), active: true, collapse: 'none', parallel: false },
      { sourceArn: source, id: 'kinesis-faulted', type: 'kinesis', destination: destination.address, active: true },
      { sourceArn: source, id: 'http-faulted', type: 'http', destination: `${sinkProxy.endpoint}${path}`, active: true, collapse: 'none' },
      { sourceArn: source, id: 'sqs-healthy', type: 'sqs', destination: healthyQueue.address, active: true, collapse: 'none' },
    ]);
    // every Kinesis call of the function through the proxy: it faults PutRecords only, never the reads
    process.env.AWS_ENDPOINT_URL_KINESIS = awsProxy.endpoint;
    const { fanout } = testFanout(table, {
      progressTableName: await createProgressTable(),
      failureStore: await createFailureBucket(),
      retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: REQUEST_TIMEOUT_MS },
      log: figuresLog(),
    });
    const poller = figuresPoller(fanout, source);

    const started = Date.now();
    poller.start();
    try {
      await expect
        .poll(
          async () => {
            const counts = await Promise.all([faultedQueue, healthyQueue, destination].map(async (target) => distinctCount(await target.received())));
            // the records the sink got, not its requests: a retried record is posted again
            return Math.min(...counts, distinctCount(receivedByHttp(await sink.requests(path))));
          },
          { interval: 2_000, timeout: 15 * 60_000 },
        )
        .toBeGreaterThanOrEqual(RECORDS);
    } finally {
      await poller.stop();
      await fanout.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const http = receivedByHttp(await sink.requests(path));
    const figures = {
      'sqs-faulted': tally(await faultedQueue.received()),
      'kinesis-faulted': tally(await destination.received()),
      'http-faulted': tally(http),
      'sqs-healthy': tally(await healthyQueue.received()),
    };
    const faults = (proxy: FaultProxy, operation: string) => proxy.counters(operation);
    const ambiguous = (operation: string, proxy: FaultProxy) => {
      const counted = faults(proxy, operation);
      return (counted.faults.dropAfterForward ?? 0) + (counted.faults.slow ?? 0);
    };
    console.log(
      JSON.stringify(
        {
          records: RECORDS,
          shards: SHARDS,
          destinations: process.env.FANOUT_FIGURES_TARGETS ?? 'moto',
          seconds,
          targets: figures,
          faults: {
            'sqs.SendMessageBatch': faults(awsProxy, 'sqs.SendMessageBatch'),
            'kinesis.PutRecords': faults(awsProxy, 'kinesis.PutRecords'),
            http: faults(sinkProxy, 'http'),
          },
        },
        null,
        2,
      ),
    );

    for (const figure of Object.values(figures)) expect(figure.lost).toBe(0);
    expect(figures['sqs-healthy'].duplicates).toBe(0);
    expect(figures['sqs-faulted'].outOfOrder).toBe(0);
    // at the parallel targets, duplicates only where a fault left it unknown whether a call was written, each such call its entries at most
    expect(figures['kinesis-faulted'].duplicates).toBeLessThanOrEqual(500 * ambiguous('kinesis.PutRecords', awsProxy));
    expect(figures['http-faulted'].duplicates).toBeLessThanOrEqual(ambiguous('http', sinkProxy));
    // (the parallel: false queue also gets again what a batch took after an entry that failed: its order needs it)
  });
});
