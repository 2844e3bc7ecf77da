import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { awsClientConfig, startFakeAws, startFaultProxy, uniqueName, type FakeAws, type FaultPlan, type FaultProxy, type FaultRates } from '@fanout/testbed';
import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { kinesisReader } from '../../src/local/kinesis-reader.js';
import { LocalPoller } from '../../src/local/poller.js';
import { MemoryCheckpoints } from '../../src/local/checkpoints.js';
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { aws, createTargetsTable, putTargets, testFanout } from '../support/harness.js';
import { sink, uniqueSinkPath } from '../support/http.js';
import { createFailureBucket, createProgressTable } from '../support/isolation.js';
import { createStream, readStream } from '../support/kinesis.js';
import { createQueue, drainQueue } from '../support/sqs.js';

/**
 * The figures of README's "Target isolation": records from a 4-shard stream through the local
 * poller to three targets whose calls are faulted in every way the fault proxy has, and a fourth
 * that is not. FANOUT_FIGURES_RECORDS sets how many: 200 in the suite. The queues and the
 * destination stream are moto's, unless FANOUT_FIGURES_TARGETS=fake: then the test bed's fake AWS
 * endpoint takes their writes and keeps what arrived (moto's queues slow down with every message
 * they hold: 2,000 records took over 10 minutes), and README's 10,000-record figures run so. The
 * source stream, the tables and the failure store are moto's either way.
 */
const RECORDS = Number(process.env.FANOUT_FIGURES_RECORDS ?? 200);
const TARGETS: 'moto' | 'fake' = process.env.FANOUT_FIGURES_TARGETS === 'fake' ? 'fake' : 'moto';
const KEYS = 50;
const SHARDS = 4;
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

const kinesis = new Http1KinesisClient(awsClientConfig(aws));
/** FANOUT_FIGURES_LOG=FILE: the function's and the poller's log lines there (warnings and errors). */
const logFile = process.env.FANOUT_FIGURES_LOG;
const figuresLog = () => (logFile ? createLogger({ level: 'warn', write: (line) => appendFileSync(logFile, `${line}\n`) }) : createLogger({ level: 'silent' }));
const proxies: FaultProxy[] = [];
const fakes: FakeAws[] = [];
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_KINESIS;
  await Promise.all([...proxies.map((proxy) => proxy.stop()), ...fakes.map((fake) => fake.stop())]);
});

async function sourceStream(): Promise<string> {
  const name = uniqueName('figures-source');
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: SHARDS }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 120 }, { StreamName: name });
  for (let start = 0; start < RECORDS; start += 500) {
    const Records = Array.from({ length: Math.min(500, RECORDS - start) }, (_, offset) => {
      const n = start + offset;
      return { PartitionKey: `key-${n % KEYS}`, Data: Buffer.from(JSON.stringify({ key: `key-${n % KEYS}`, n })) };
    });
    const { FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
    expect(FailedRecordCount).toBe(0);
  }
  return `arn:aws:kinesis:${aws.regions[0]}:${aws.accounts[0]}:stream/${name}`;
}

interface Received {
  n: number;
  key: string;
}
const parse = (text: string) => JSON.parse(text) as Received;

/** A queue or a stream the targets write to, and what it received so far, in order. */
interface Destination {
  /** A queue's URL, a stream's ARN. */
  address: string;
  received(): Promise<Received[]>;
}

/** Where the queues and the destination stream are, and where the proxy in front of them forwards. */
interface Destinations {
  upstream: string;
  queue(): Promise<Destination>;
  stream(): Promise<Destination>;
}

const motoDestinations: Destinations = {
  upstream: aws.endpoint,
  async queue() {
    const url = await createQueue();
    const received: Received[] = [];
    return {
      address: url,
      received: async () => {
        received.push(...(await drainQueue(url)).map((message) => parse(message.Body!)));
        return received;
      },
    };
  },
  async stream() {
    const { name, arn } = await createStream();
    return { address: arn, received: async () => (await readStream(name)).map((record) => parse(record.data.toString())) };
  },
};

async function fakeDestinations(): Promise<Destinations> {
  const fake = await startFakeAws({ upstream: aws.endpoint, keep: true });
  fakes.push(fake);
  const kept = async (destination: string) => (await fake.kept(destination)).map((entry) => parse(Buffer.from(entry.data, 'base64').toString()));
  return {
    upstream: fake.endpoint,
    async queue() {
      const path = `/${aws.accounts[0]}/${uniqueName('queue')}`;
      return { address: `${fake.endpoint}${path}`, received: () => kept(path) };
    },
    async stream() {
      // in moto too, for the limits its sender reads
      const { arn } = await createStream();
      return { address: arn, received: () => kept(arn) };
    },
  };
}

/** Lost and duplicated records among what a target received, and whether each key's records came in order. */
function tally(received: readonly Received[]) {
  const seen = new Map<number, number>();
  for (const { n } of received) seen.set(n, (seen.get(n) ?? 0) + 1);
  const lost = RECORDS - seen.size;
  const duplicates = received.length - seen.size;
  const lastPerKey = new Map<string, number>();
  let outOfOrder = 0;
  for (const { key, n } of received) {
    const last = lastPerKey.get(key) ?? -1;
    // a duplicate resends what came before: order means every first arrival after the ones before it
    if (n > last) lastPerKey.set(key, n);
    else if ((seen.get(n) ?? 0) < 2) outOfOrder++;
  }
  return { received: received.length, lost, duplicates, outOfOrder };
}

describe('figures: target isolation under injected faults', () => {
  it(`delivers ${RECORDS} records to every target, none lost, none twice to the healthy one, in order per key where parallel is false`, async () => {
    const source = await sourceStream();
    const destinations = TARGETS === 'fake' ? await fakeDestinations() : motoDestinations;
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
    const poller = new LocalPoller({
      process: (event, remainingTimeMs) => fanout.process(event, remainingTimeMs),
      mappings: async () => [{ id: 'figures', sourceArn: source, batchSize: 500, startingPosition: { type: 'TRIM_HORIZON' }, reportsItemFailures: true, maximumRetryAttempts: -1 }],
      readerFor: (sourceArn) => kinesisReader(kinesis, sourceArn, 'arn:aws:iam::123456789012:role/figures'),
      checkpoints: new MemoryCheckpoints(),
      timeoutMs: 60_000,
      log: figuresLog(),
      refreshMs: 60_000,
      idleMs: 100,
      retryDelayMs: 50,
    });

    const started = Date.now();
    poller.start();
    const distinct = (received: readonly Received[]) => new Set(received.map(({ n }) => n)).size;
    try {
      await expect
        .poll(
          async () => {
            const counts = await Promise.all([faultedQueue, healthyQueue, destination].map(async (target) => distinct(await target.received())));
            return Math.min(...counts, (await sink.requests(path)).length);
          },
          { interval: 2_000, timeout: 15 * 60_000 },
        )
        .toBeGreaterThanOrEqual(RECORDS);
    } finally {
      await poller.stop();
      await fanout.close();
    }
    const seconds = (Date.now() - started) / 1000;
    const http = (await sink.requests(path)).map((request) => parse(Buffer.from((JSON.parse(request.bytes.toString('utf8')) as { data: string }).data, 'base64').toString()));
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
          destinations: TARGETS,
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
