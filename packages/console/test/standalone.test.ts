import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { HttpSinkClient, startKinesalite, uniqueName, type Kinesalite } from '@fanout/testbed';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { AwsSession } from '../src/aws/session.js';
import type { Terminal } from '../src/context.js';
import { fanoutConsole, testTerminal } from './support/console.js';
import { consoleProcess, type ConsoleProcess } from './support/console-process.js';
import { createQueue, createStream, kinesisClient, receiveBodies } from './support/destination-resources.js';

const sink = new HttpSinkClient(inject('testbed').http.endpoint);
const redisUrl = inject('testbed').redis.url;

let kinesalite: Kinesalite;
beforeAll(async () => {
  kinesalite = await startKinesalite();
});
afterAll(() => kinesalite.stop());

const scratchFile = (name: string) => join(mkdtempSync(join(tmpdir(), 'fanout-standalone-')), name);

/** A Kinesis client of kinesalite's (over HTTP/1.1, as the console's sessions make them): any keys do. */
function kinesaliteClient(): KinesisClient {
  const anyKeys = () => Promise.resolve({ accessKeyId: 'any', secretAccessKey: 'any' });
  return new AwsSession({ endpointUrl: kinesalite.endpoint, region: 'us-east-1', credentials: anyKeys, verifySsl: true, debug: false }).client(KinesisClient);
}

/** Puts the records in order into the stream; their sequence numbers. */
async function put(kinesis: KinesisClient, streamName: string, records: ReadonlyArray<{ key: string; data: string }>): Promise<string[]> {
  const sequenceNumbers: string[] = [];
  for (const { key, data } of records) {
    const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: key, Data: Buffer.from(data) }));
    sequenceNumbers.push(SequenceNumber!);
  }
  return sequenceNumbers;
}

/** The environment of a user who ran the event forwarder: a local Kinesis and a stream name, and nothing of AWS. */
function forwarderEnvironment(streamName: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, KINESIS_ENDPOINT: kinesalite.endpoint, STREAM_NAME: streamName };
}

/** What the sink received under `path`, as the Kinesis records of the bodies. */
async function forwarded(path: string): Promise<Array<Record<string, unknown>>> {
  return (await sink.requests(path)).map((request) => JSON.parse(request.bytes.toString('utf8')) as Record<string, unknown>);
}

async function stopped(run: ConsoleProcess): Promise<void> {
  run.child.kill('SIGINT');
  await run.exited;
}

describe('fanout-console local without a function: the event forwarder\'s run', () => {
  it('forwards kinesalite\'s records to an HTTP server in order, each as its Kinesis record; a failing server gets only what was not delivered; after SIGKILL and a restart nothing is lost', async () => {
    const kinesis = kinesaliteClient();
    const streamName = uniqueName('orders');
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const records = Array.from({ length: 12 }, (_, n) => ({ key: `customer-${n % 3}`, data: JSON.stringify({ order: n, note: 'ünïcode' }) }));
    const sequenceNumbers = await put(kinesis, streamName, records);
    const path = `/${uniqueName('forward')}`;
    // the first three requests fail: the first record is sent four times, and no other twice
    await sink.respondWith({ path, status: 503, count: 3 });
    const checkpoints = scratchFile('checkpoints.json');
    const args = ['local', '--to', sink.url(path), '--checkpoints', checkpoints, '--refresh', '1'];

    let run = consoleProcess(args, forwarderEnvironment(streamName));
    try {
      await expect.poll(async () => (await forwarded(path)).length, { interval: 250 }).toBe(records.length + 3);
    } finally {
      await stopped(run);
    }
    const received = await forwarded(path);
    expect(received.map((body) => body.sequenceNumber)).toEqual([...Array(3).fill(sequenceNumbers[0]), ...sequenceNumbers]);
    expect(received.at(-1)).toEqual({
      kinesisSchemaVersion: '1.0',
      partitionKey: records.at(-1)!.key,
      sequenceNumber: sequenceNumbers.at(-1),
      data: Buffer.from(records.at(-1)!.data).toString('base64'),
      approximateArrivalTimestamp: expect.any(Number) as number,
    });
    expect(Object.keys(received.at(-1)!)).toEqual(['kinesisSchemaVersion', 'partitionKey', 'sequenceNumber', 'data', 'approximateArrivalTimestamp']);
    expect(run.stderr()).toContain(`forwarding ${streamName} to ${sink.url(path)} (checkpoints in ${checkpoints}); Ctrl-C to stop`);

    // killed while more records come in, then started again on the same checkpoints
    await sink.clear(path);
    const more = Array.from({ length: 30 }, (_, n) => ({ key: `customer-${n % 5}`, data: `{"more":${n}}` }));
    run = consoleProcess(args, forwarderEnvironment(streamName));
    const putting = put(kinesis, streamName, more);
    await expect.poll(async () => (await forwarded(path)).length, { interval: 100 }).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.exited;
    const moreSequenceNumbers = await putting;
    run = consoleProcess(args, forwarderEnvironment(streamName));
    try {
      await expect
        .poll(async () => new Set((await forwarded(path)).map((body) => body.sequenceNumber)).size, { interval: 250 })
        .toBe(more.length);
    } finally {
      await stopped(run);
    }
    const afterRestart = (await forwarded(path)).map((body) => body.sequenceNumber as string);
    // nothing lost, nothing of the first run sent again, and every record in order after its last repeat
    expect(new Set(afterRestart)).toEqual(new Set(moreSequenceNumbers));
    expect([...new Map(afterRestart.map((sequenceNumber, index) => [sequenceNumber, index])).entries()].sort((a, b) => a[1] - b[1]).map(([sequenceNumber]) => sequenceNumber)).toEqual(
      moreSequenceNumbers,
    );
  });

  it('delivers to the targets of a YAML file, an sqs and a redis target on moto, and follows the file when it changes', async () => {
    const stream = await createStream();
    const [queue, laterQueue] = [await createQueue(), await createQueue()];
    const targetsFile = scratchFile('targets.yaml');
    const keyPrefix = uniqueName('standalone');
    const rows = [
      { id: 'copy', type: 'sqs', destination: queue.url, active: true, collapse: 'none' },
      { id: 'cache', type: 'redis', destination: redisUrl, active: true },
    ];
    writeFileSync(targetsFile, toYaml(rows));
    let pressCtrlC = () => undefined as void;
    const interrupted = new Promise<void>((resolve) => (pressCtrlC = resolve));
    const terminal: Terminal = testTerminal({ interrupted: () => interrupted });
    const running = fanoutConsole(['local', '--stream', stream.name, '--targets', targetsFile, '--checkpoints', scratchFile('checkpoints.json'), '--refresh', '1'], { terminal });
    const redis = new Redis(redisUrl);
    try {
      await put(kinesisClient(), stream.name, [
        { key: `${keyPrefix}-a`, data: '{"n":1}' },
        { key: `${keyPrefix}-b`, data: '{"n":2}' },
      ]);
      const copies: string[] = [];
      await expect.poll(async () => copies.push(...(await receiveBodies(queue.url))) && copies.sort(), { interval: 250 }).toEqual(['{"n":1}', '{"n":2}']);
      await expect.poll(() => redis.mget(`${keyPrefix}-a`, `${keyPrefix}-b`), { interval: 250 }).toEqual(['{"n":1}', '{"n":2}']);

      // the copy switched off, and a new queue: the file's next version is read while it runs
      writeFileSync(targetsFile, toYaml([{ ...rows[0], active: false }, rows[1], { id: 'later', type: 'sqs', destination: laterQueue.url, active: true, collapse: 'none' }]));
      await expect.poll(async () => {
        await put(kinesisClient(), stream.name, [{ key: `${keyPrefix}-c`, data: '{"n":3}' }]);
        return (await receiveBodies(laterQueue.url)).length > 0;
      }, { interval: 1_000 }).toBe(true);
      expect(await receiveBodies(queue.url)).toEqual([]);
      expect(await redis.get(`${keyPrefix}-c`)).toBe('{"n":3}');
    } finally {
      pressCtrlC();
      redis.disconnect();
    }
    expect(await running).toMatchObject({ code: 0, out: `stopped forwarding ${stream.name}` });
  });

  it('refuses what it cannot run, in one line naming the flag, exit 2', async () => {
    const kinesis = kinesaliteClient();
    const streamName = uniqueName('stream');
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    const badFile = scratchFile('targets.json');
    writeFileSync(badFile, JSON.stringify([{ id: 'one', type: 'http', active: true }, { id: 'two', type: 'carrier-pigeon', destination: 'x', active: true }]));
    const absentFile = scratchFile('absent.yaml');
    const cases: Array<[string[], string]> = [
      [['local', '--to', sink.url('/x')], '--stream: a run with --targets or --to reads the streams named; pass --stream NAME or --source-arn ARN (or set STREAM_NAME)'],
      [['local', '--stream', streamName], '--targets: --stream and --source-arn name the streams of a run without a function; give its targets with --targets FILE or --to URL'],
      [['local', '--stream', streamName, '--to', 'ftp://example.com/'], '--to: expected an http:// or https:// URL to POST each record to'],
      [['local', '--stream', streamName, '--to', sink.url('/x'), '--function', 'fanout'], "--function: a run with --targets or --to uses no function; leave it out, or leave --targets and --to out to run the function's own targets"],
      [['local', '--stream', 'missing-stream', '--to', sink.url('/x')], `--stream: no Kinesis stream missing-stream at ${kinesalite.endpoint}; create it, or check --endpoint-url and --region`],
      [
        ['local', '--stream', streamName, '--targets', badFile],
        `--targets: ${badFile}: row 1 (id one): destination: required; Invalid input: expected string, received undefined; row 2 (id two): type: expected one of sns, sqs, es, kinesis, firehose, iot, lambda, redis, memcached, http`,
      ],
      [['local', '--stream', streamName, '--targets', absentFile], `--targets: ${absentFile}: no such file`],
    ];
    for (const [args, message] of cases) {
      const run = await fanoutConsole(args, { endpoint: kinesalite.endpoint });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.err.split('\n')).toHaveLength(1);
      expect(run.err).toBe(`fanout-console: ${message}`);
    }
  });

  it('says in one line which API an endpoint lacks: the deployed function\'s run against kinesalite, which serves Kinesis alone', async () => {
    const run = await fanoutConsole(['local', '--function', 'fanout', '--checkpoints', scratchFile('checkpoints.json')], { endpoint: kinesalite.endpoint });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(new RegExp(`^fanout-console: 127\\.0\\.0\\.1:\\d+ does not answer as the Lambda API \\(HTTP \\d+[^)]*\\): point --endpoint-url at an endpoint that serves Lambda too`));
  });
});
