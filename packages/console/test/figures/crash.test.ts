import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { HttpSinkClient, seededRandom, startFakeAws, uniqueName, type FakeAws } from '@fanout/testbed';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { aws, fanoutConsole } from '../support/console.js';
import { createStream, kinesisClient } from '../support/destination-resources.js';

/**
 * README's crash figure: `fanout-console local` killed with SIGKILL at random moments of a run and
 * started again each time on the same checkpoints file, as a user's supervisor would. A kill loses
 * what the poller delivered but had not checkpointed yet: at most the batch in flight on each
 * shard, sent again by the next run. FANOUT_CRASH_RECORDS and FANOUT_CRASH_KILLS set the run;
 * FANOUT_CRASH_SEED replays one (the test prints the seed it took).
 */
const RECORDS = Number(process.env.FANOUT_CRASH_RECORDS ?? 5_000);
const KILLS = Number(process.env.FANOUT_CRASH_KILLS ?? 20);
const SEED = Number(process.env.FANOUT_CRASH_SEED ?? Date.now() % 2 ** 31);
const SHARDS = 4;
const BATCH_SIZE = 100;
const KEYS = 50;

const packageDir = resolve(import.meta.dirname, '../..');
const sink = new HttpSinkClient(inject('testbed').http.endpoint);
const kinesis = kinesisClient();

interface Received {
  n: number;
  key: string;
}

async function putRecords(streamName: string): Promise<void> {
  for (let start = 0; start < RECORDS; start += 500) {
    const Records = Array.from({ length: Math.min(500, RECORDS - start) }, (_, offset) => {
      const n = start + offset;
      return { PartitionKey: `key-${n % KEYS}`, Data: Buffer.from(JSON.stringify({ key: `key-${n % KEYS}`, n })) };
    });
    const { FailedRecordCount } = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
    expect(FailedRecordCount).toBe(0);
  }
}

/** What the http target posted, in arrival order: collapse none, one record a request. */
async function postedToSink(path: string): Promise<Received[]> {
  return (await sink.requests(path)).map((request) => {
    const { data } = JSON.parse(request.bytes.toString('utf8')) as { data: string };
    return JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as Received;
  });
}

/** What the kinesis target put to its stream, in arrival order. */
async function putToStream(fake: FakeAws, streamArn: string): Promise<Received[]> {
  return (await fake.kept(streamArn)).map((entry) => JSON.parse(Buffer.from(entry.data, 'base64').toString('utf8')) as Received);
}

function tally(received: readonly Received[]) {
  const seen = new Set(received.map(({ n }) => n));
  const missing = Array.from({ length: RECORDS }, (_, n) => n).filter((n) => !seen.has(n));
  return { received: received.length, lost: missing.length, duplicates: received.length - seen.size, ...(missing.length > 0 ? { missing: missing.slice(0, 50) } : {}) };
}

/** `fanout-console local` as a process of its own, its AWS calls to `endpoint`, its stderr appended to `logFile`. */
function startLocal(endpoint: string, args: readonly string[], logFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--endpoint-url', endpoint, '--region', aws.regions[0], 'local', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.pipe(createWriteStream(logFile, { flags: 'a' }));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

const fakes: FakeAws[] = [];
afterAll(() => Promise.all(fakes.map((fake) => fake.stop())));

describe('figures: the local poller killed with SIGKILL and started again', () => {
  it(`loses none of ${RECORDS} records over ${KILLS} kills; each kill sends again at most the batch in flight on each shard`, async () => {
    const functionName = uniqueName('crash');
    const source = await createStream(aws.regions[0], SHARDS);
    const destination = await createStream();
    const path = `/${uniqueName('crash')}`;
    const scope = ['--function', functionName, '--source-arn', source.arn];
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'register', 'http', ...scope, '--id', 'http', '--destination', sink.url(path), '--collapse', 'none', '--active'])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'register', 'kinesis', ...scope, '--id', 'kinesis', '--destination', destination.arn, '--active'])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'hook', ...scope, '--starting-position', 'TRIM_HORIZON', '--batch-size', String(BATCH_SIZE)])).code).toBe(0);
    await putRecords(source.name);
    // the kinesis target's writes are kept by the fake endpoint, every other call passed to moto:
    // moto numbers a shard's records without a lock, so concurrent puts to one shard overwrite each other
    const fake = await startFakeAws({ upstream: aws.endpoint, keep: true });
    fakes.push(fake);
    const endpoint = fake.endpoint;

    const directory = mkdtempSync(join(tmpdir(), 'fanout-crash-'));
    const logFile = join(directory, 'local.log');
    const args = ['--function', functionName, '--checkpoints', join(directory, 'checkpoints.json'), '--refresh', '60'];
    const random = seededRandom(SEED);
    // the moments: how far the http target has got, drawn over the first four fifths of the run (so
    // that the last of them still finds records to deliver)
    const moments = Array.from({ length: KILLS }, () => Math.floor(random() * RECORDS * 0.8)).sort((a, b) => a - b);
    const started = Date.now();

    for (const moment of moments) {
      const before = (await sink.requests(path)).length;
      const local = startLocal(endpoint, args, logFile);
      // killed while delivering: once this run has sent something (a batch sent again counts), and the run has reached the moment;
      // or at once when every record has reached the http target (a run killed earlier may have sent them all): this run has nothing to send
      await expect
        .poll(async () => {
          const posted = await postedToSink(path);
          const distinct = new Set(posted.map(({ n }) => n)).size;
          return (posted.length > before && distinct >= moment) || distinct === RECORDS;
        }, { interval: 100 })
        .toBe(true);
      await new Promise((resolve) => setTimeout(resolve, random() * 200));
      local.child.kill('SIGKILL');
      expect(await local.exited).toEqual({ code: null, signal: 'SIGKILL' });
    }

    const last = startLocal(endpoint, args, logFile);
    const figures = async () => ({ http: tally(await postedToSink(path)), kinesis: tally(await putToStream(fake, destination.arn)) });
    try {
      await expect.poll(async () => Math.max(...Object.values(await figures()).map(({ lost }) => lost)), { interval: 1_000 }).toBe(0);
    } finally {
      last.child.kill('SIGINT');
      await last.exited;
      console.log(JSON.stringify({ records: RECORDS, shards: SHARDS, batchSize: BATCH_SIZE, kills: KILLS, seed: SEED, seconds: (Date.now() - started) / 1000, log: logFile, targets: await figures() }, null, 2));
    }

    for (const figure of Object.values(await figures())) {
      expect(figure.lost).toBe(0);
      expect(figure.duplicates).toBeLessThanOrEqual(KILLS * SHARDS * BATCH_SIZE);
    }
  });
});
