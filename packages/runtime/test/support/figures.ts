import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { awsClientConfig, startFakeAws, uniqueName, type FakeAws } from '@fanout/testbed';
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Fanout } from '../../src/fanout.js';
import { createLogger } from '../../src/log/logger.js';
import { MemoryCheckpoints } from '../../src/local/checkpoints.js';
import { kinesisReader } from '../../src/local/kinesis-reader.js';
import { streamMapping } from '../../src/local/mappings.js';
import { LocalPoller } from '../../src/local/poller.js';
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { aws } from './harness.js';
import { createStream, readStream } from './kinesis.js';
import { createQueue, drainQueue } from './sqs.js';

/**
 * What README's figures share: records from a 4-shard stream through the local poller.
 * FANOUT_FIGURES_RECORDS sets how many (200 in the suite). The queues and the destination stream
 * are moto's, unless FANOUT_FIGURES_TARGETS=fake: then the test bed's fake AWS endpoint takes their
 * writes and keeps what arrived (moto's queues slow down with every message they hold: 2,000
 * records took over 10 minutes), and README's 10,000-record figures run so. The source stream, the
 * tables and the failure store are moto's either way.
 */
export const RECORDS = Number(process.env.FANOUT_FIGURES_RECORDS ?? 200);
const TARGETS: 'moto' | 'fake' = process.env.FANOUT_FIGURES_TARGETS === 'fake' ? 'fake' : 'moto';
const KEYS = 50;
export const SHARDS = 4;

export const kinesis = new Http1KinesisClient(awsClientConfig(aws));

/** FANOUT_FIGURES_LOG=FILE: the function's and the poller's log lines there (warnings and errors). */
export function figuresLog() {
  const logFile = process.env.FANOUT_FIGURES_LOG;
  return logFile ? createLogger({ level: 'warn', write: (line) => appendFileSync(logFile, `${line}\n`) }) : createLogger({ level: 'silent' });
}

/** A 4-shard stream holding RECORDS records `{key, n}`, 50 keys; its ARN. */
export async function sourceStream(): Promise<string> {
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

export interface Received {
  n: number;
  key: string;
}
export const parseReceived = (text: string) => JSON.parse(text) as Received;

/** What an http target posted with collapse none: one record a request. */
export function receivedByHttp(requests: ReadonlyArray<{ bytes: Buffer }>): Received[] {
  return requests.map((request) => parseReceived(Buffer.from((JSON.parse(request.bytes.toString('utf8')) as { data: string }).data, 'base64').toString()));
}

/** A queue or a stream the targets write to, and what it received so far, in order. */
export interface Destination {
  /** A queue's URL, a stream's ARN. */
  address: string;
  received(): Promise<Received[]>;
}

/** Where the queues and the destination stream are, and where a proxy in front of them forwards. */
export interface Destinations {
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
        received.push(...(await drainQueue(url)).map((message) => parseReceived(message.Body!)));
        return received;
      },
    };
  },
  async stream() {
    const { name, arn } = await createStream();
    return { address: arn, received: async () => (await readStream(name)).map((record) => parseReceived(record.data.toString())) };
  },
};

async function fakeDestinations(started: FakeAws[]): Promise<Destinations> {
  const fake = await startFakeAws({ upstream: aws.endpoint, keep: true });
  started.push(fake);
  const kept = async (destination: string) => (await fake.kept(destination)).map((entry) => parseReceived(Buffer.from(entry.data, 'base64').toString()));
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

/** The destinations FANOUT_FIGURES_TARGETS names; a fake endpoint started for them goes into `started`. */
export function figuresDestinations(started: FakeAws[]): Promise<Destinations> {
  return TARGETS === 'fake' ? fakeDestinations(started) : Promise.resolve(motoDestinations);
}

export const distinctCount = (received: readonly Received[]) => new Set(received.map(({ n }) => n)).size;

/** Lost and duplicated records among what a target received, and whether each key's records came in order. */
export function tally(received: readonly Received[]) {
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

/** The local poller reading `source` from its start, in batches of 500, delivering through `fanout`, retrying forever. */
export function figuresPoller(fanout: Fanout, source: string): LocalPoller {
  return new LocalPoller({
    process: (event, remainingTimeMs) => fanout.process(event, remainingTimeMs),
    mappings: async () => [streamMapping({ id: 'figures', sourceArn: source, batchSize: 500, reportsItemFailures: true })],
    readerFor: (sourceArn) => kinesisReader(kinesis, sourceArn, 'arn:aws:iam::123456789012:role/figures'),
    checkpoints: new MemoryCheckpoints(),
    timeoutMs: 60_000,
    log: figuresLog(),
    refreshMs: 60_000,
    idleMs: 100,
    retryDelayMs: 50,
  });
}
