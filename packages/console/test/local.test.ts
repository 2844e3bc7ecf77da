import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, cacheDirectory, freePort, motoRequests, uniqueName } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { ensureMoto } from '../src/aws/moto.js';
import { AwsSession } from '../src/aws/session.js';
import { run } from '../src/cli.js';
import type { Terminal } from '../src/context.js';
import { localLogFileFor, localStatusFileFor } from '../src/state-files.js';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { consoleProcess } from './support/console-process.js';
import { createQueue, createStream, receiveBodies } from './support/destination-resources.js';
import { selfSignedProxy } from './support/tls-proxy.js';


/** A terminal whose Ctrl-C the test presses. */
function terminalWithCtrlC(): { terminal: Terminal; pressCtrlC: () => void } {
  let pressCtrlC = () => undefined as void;
  const interrupted = new Promise<void>((resolve) => (pressCtrlC = resolve));
  return { terminal: testTerminal({ interactive: true, interrupted: () => interrupted }), pressCtrlC };
}

/** Runs the CLI in-process with exactly these arguments (no test bed endpoint put first). */
async function runCli(args: string[], terminal: Terminal): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (text) => out.push(text), err: (text) => err.push(text) }, terminal);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Waits until the queue has received `count` messages; their bodies, sorted. */
async function received(queueUrl: string, count: number): Promise<string[]> {
  const bodies: string[] = [];
  await expect.poll(async () => bodies.push(...(await receiveBodies(queueUrl))) && bodies.length, { interval: 500 }).toBe(count);
  return bodies.sort();
}

/**
 * A function deployed in the test bed, hooked to a new stream (from TRIM_HORIZON) whose one active
 * target is a new queue (collapse none: a message a record), with these records put into the
 * stream; and the sequence number of the last one.
 */
async function hookedFunction(records: readonly string[]) {
  const functionName = uniqueName('local');
  const stream = await createStream();
  const queue = await createQueue();
  const scope = ['--function', functionName, '--source-arn', stream.arn];
  expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
  expect((await fanoutConsole(['--yes', 'register', 'sqs', ...scope, '--id', 'copy', '--destination', queue.url, '--collapse', 'none', '--active'])).code).toBe(0);
  expect((await fanoutConsole(['--yes', 'hook', ...scope, '--starting-position', 'TRIM_HORIZON'])).code).toBe(0);
  const kinesis = new KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });
  let lastSequenceNumber: string | undefined;
  for (const body of records) {
    ({ SequenceNumber: lastSequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from(body) })));
  }
  return { functionName, queue, lastSequenceNumber };
}

const checkpointsFile = () => join(mkdtempSync(join(tmpdir(), 'fanout-local-')), 'checkpoints.json');

/** A session of the console's against another endpoint than the test bed's moto. */
const sessionAt = (endpointUrl: string, verifySsl = true) =>
  new AwsSession({ endpointUrl, region: aws.regions[0], credentials: () => Promise.resolve(aws.credentials), verifySsl, debug: false });

/** A moto_server of this test's own, as just installed: its settings are moto's defaults. */
async function freshMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(join(cacheDirectory(), 'venv', 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await expect.poll(() => fetch(`${endpoint}/moto-api/config`).then((response) => response.ok, () => false), { timeout: 60_000, interval: 200 }).toBe(true);
  return {
    endpoint,
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

describe('fanout-console local', () => {
  it('runs the function\'s code here: records put in a hooked stream reach the target until Ctrl-C, and the checkpoints are kept', async () => {
    const bodies = ['{"order":1}', 'second', '{"order":3}'];
    const { functionName, queue, lastSequenceNumber } = await hookedFunction(bodies);
    const checkpoints = checkpointsFile();
    const { terminal, pressCtrlC } = terminalWithCtrlC();
    const running = fanoutConsole(['local', '--function', functionName, '--checkpoints', checkpoints, '--refresh', '1'], { terminal });
    expect(await received(queue.url, 3)).toEqual([...bodies].sort());

    pressCtrlC();
    const { code, out, err } = await running;
    expect(code).toBe(0);
    const logFile = localLogFileFor(aws.regions[0], functionName);
    expect(err).toContain(`polling the streams hooked to ${functionName} in ${aws.regions[0]} (checkpoints in ${checkpoints}, log in ${logFile}); Ctrl-C to stop`);
    expect(out).toBe(`stopped polling for ${functionName}`);
    // the log lines went to the file too, for the app's log pane; the status file is there only while it runs
    const logLines = err.split('\n').filter((line) => line.startsWith('{'));
    expect(readFileSync(logFile, 'utf8')).toBe(logLines.map((line) => `${line}\n`).join(''));
    expect(existsSync(localStatusFileFor(aws.regions[0], functionName))).toBe(false);
    // the one shard's checkpoint is the last record put (and delivered)
    const saved = JSON.parse(readFileSync(checkpoints, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.values(saved).flatMap((shards) => Object.values(shards))).toEqual([lastSequenceNumber]);
  });

  it('delivers to an iot target registered by topic name, whose row holds the account\'s real data endpoint, on moto', async () => {
    const { functionName, queue } = await hookedFunction([]);
    const stream = await createStream();
    const topic = `fanout/${uniqueName('topic')}`;
    const scope = ['--function', functionName, '--source-arn', stream.arn];
    expect((await fanoutConsole(['--yes', 'register', 'iot', ...scope, '--id', 'things', '--destination', topic, '--collapse', 'none', '--active'])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'hook', ...scope, '--starting-position', 'TRIM_HORIZON'])).code).toBe(0);
    const listed = (await fanoutConsole(['--output', 'json', 'list', '--function', functionName, '--source-arn', stream.arn])).json<Array<{ destination: string }>>();
    // what DescribeEndpoint gives: an AWS host, which local mode sends to --endpoint-url as every client
    expect(listed.map((row) => row.destination)).toEqual([expect.stringMatching(new RegExp(`\\.iot\\.[a-z0-9-]+\\.amazonaws\\.com#${topic}$`))]);
    const kinesis = new KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });
    await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from('{"thing":1}') }));

    const { terminal, pressCtrlC } = terminalWithCtrlC();
    const running = fanoutConsole(['local', '--function', functionName, '--checkpoints', checkpointsFile(), '--refresh', '1'], { terminal });
    const published = () => motoRequests(aws, /^\/topics\//).filter((request) => new URL(request.url).pathname === `/topics/${encodeURIComponent(topic)}`);
    try {
      await expect.poll(() => published().map((request) => request.body.toString('utf8')), { interval: 500 }).toEqual(['{"thing":1}']);
    } finally {
      pressCtrlC();
    }
    expect((await running).code).toBe(0);
    expect(await receiveBodies(queue.url)).toEqual([]);
  });

  it('refuses a function that is not deployed, and a bad --refresh, in one line, exit 2', async () => {
    const missing = uniqueName('nothing');
    const { terminal } = terminalWithCtrlC();
    const noFunction = await fanoutConsole(['local', '--function', missing], { terminal });
    expect(noFunction.code).toBe(2);
    expect(noFunction.err).toBe(`fanout-console: --function: no function ${missing} in ${aws.regions[0]}; run fanout-console deploy first, or pass --function`);
    const badRefresh = await fanoutConsole(['local', '--refresh', '0'], { terminal });
    expect(badRefresh.code).toBe(2);
    expect(badRefresh.err).toBe('fanout-console: --refresh: expected a whole number of seconds from 1 to 3600');
  });

  it('refuses to run without a region, naming --region, exit 1', async () => {
    const none = join(mkdtempSync(join(tmpdir(), 'fanout-local-')), 'none');
    const env = { ...process.env, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined, AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none };
    const local = consoleProcess(['--endpoint-url', aws.endpoint, 'local'], env);
    expect(await local.exited).toBe(1);
    // (the SDK may warn about the Node version first)
    expect(local.stderr()).toMatch(/^fanout-console: no AWS region: pass --region or set AWS_REGION \(or a region in your profile\)$/m);
  });

  it('--no-verify-ssl reaches the runtime\'s clients: through a self-signed HTTPS endpoint, refused without it, delivering with it', async () => {
    const { functionName, queue } = await hookedFunction(['{"order":1}']);
    const proxy = await selfSignedProxy(aws.endpoint);
    try {
      const local = ['--endpoint-url', proxy.endpoint, '--region', aws.regions[0]];
      const command = ['local', '--function', functionName, '--checkpoints', checkpointsFile(), '--refresh', '1'];
      // the first request (is it a moto?) already names the flag
      const verified = await runCli([...local, ...command], terminalWithCtrlC().terminal);
      expect(verified.code).toBe(2);
      expect(verified.err).toMatch(/^fanout-console: --no-verify-ssl: the TLS certificate at \S+ cannot be verified \(self[- ]signed certificate\); pass --no-verify-ssl if it is your local AWS$/);

      // with it, every request of the runtime's clients goes through too:

      const { terminal, pressCtrlC } = terminalWithCtrlC();
      const running = runCli([...local, '--no-verify-ssl', ...command], terminal);
      try {
        // the function's configuration, its mappings, the stream's records (HTTP/1.1 Kinesis client), the targets table, the queue
        expect(await received(queue.url, 1)).toEqual(['{"order":1}']);
      } finally {
        pressCtrlC();
      }
      expect(await running).toMatchObject({ code: 0, out: `stopped polling for ${functionName}` });
    } finally {
      await proxy.close();
    }
  });

  it('--debug logs the requests of the runtime\'s clients to stderr: the poller\'s GetRecords', async () => {
    const { functionName } = await hookedFunction([]);
    const local = consoleProcess(['--endpoint-url', aws.endpoint, '--region', aws.regions[0], '--debug', 'local', '--function', functionName, '--checkpoints', checkpointsFile(), '--refresh', '1']);
    try {
      // the console itself sends nothing to Kinesis in `local`: these are the runtime's
      await expect.poll(() => local.stderr(), { interval: 250 }).toContain("commandName: 'GetRecordsCommand'");
      expect(local.stderr()).toContain("commandName: 'GetFunctionConfigurationCommand'");
      local.child.kill('SIGINT');
      expect(await local.exited).toBe(0);
      expect(local.stdout().trim()).toBe(`stopped polling for ${functionName}`);
    } finally {
      local.child.kill();
    }
  });
});

describe('--local and moto', () => {
  const canDraw = testTerminal({ interactive: true, canDraw: true });

  it('refuses an endpoint where something other than moto answers, naming --endpoint-url or AWS_ENDPOINT_URL as given, exit 2', async () => {
    // as AirPlay answers on macOS at moto's default port 5000
    const other = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('hello'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const saved = process.env.AWS_ENDPOINT_URL;
    try {
      expect(await runCli(['--local', '--endpoint-url', endpoint], canDraw)).toEqual({
        code: 2,
        out: '',
        err: `fanout-console: --local: something other than moto answers at ${endpoint}; stop it, or pass --endpoint-url`,
      });
      process.env.AWS_ENDPOINT_URL = endpoint;
      expect(await runCli(['--local'], canDraw)).toEqual({
        code: 2,
        out: '',
        err: `fanout-console: --local: something other than moto answers at ${endpoint}; stop it, or point AWS_ENDPOINT_URL at a moto`,
      });
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
      other.close();
    }
  });

  it('switches moto\'s Lambda off Docker, on a moto it starts and on one already running, while it holds no function', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const lambdaConfig = async () => ((await (await fetch(`${endpoint}/moto-api/config`)).json()) as { lambda: unknown }).lambda;
    const session = sessionAt(endpoint);
    const path = process.env.PATH;
    process.env.PATH = `${join(cacheDirectory(), 'venv', 'bin')}${delimiter}${path}`;
    const started = await ensureMoto(new URL(endpoint), { session }).finally(() => (process.env.PATH = path));
    try {
      expect(started).toBeDefined();
      expect(await lambdaConfig()).toEqual({ use_docker: false });
      // moto's default, as on a moto someone else started
      await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: true } }) });
      expect(await ensureMoto(new URL(endpoint), { session })).toBeUndefined();
      expect(await lambdaConfig()).toEqual({ use_docker: false });
      // and `local` on a moto, which runs the function's code itself, keeps moto from running it too
      await fetch(`${endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: true } }) });
      const missing = await fanoutConsole(['local', '--function', uniqueName('nothing')], { endpoint });
      expect(missing.code).toBe(2);
      expect(await lambdaConfig()).toEqual({ use_docker: false });
    } finally {
      await started?.stop();
    }
    await expect(fetch(endpoint)).rejects.toThrow();
  });

  it('keeps a deployment on a fresh moto in README\'s order: deploy, register, hook, then local delivers and the function and its mapping stay', async () => {
    // a fresh moto, with its default: functions run in Docker
    const moto = await freshMoto();
    try {
      const session = sessionAt(moto.endpoint);
      const cli = (args: string[], terminal?: Terminal) => fanoutConsole(args, { endpoint: moto.endpoint, ...(terminal ? { terminal } : {}) });
      const functionName = uniqueName('readme');
      const streamName = uniqueName('stream');
      const kinesis = session.client(KinesisClient);
      await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      const streamArn = StreamDescriptionSummary!.StreamARN!;
      const { QueueUrl: queueUrl } = await session.client(SQSClient).send(new CreateQueueCommand({ QueueName: uniqueName('queue') }));
      const scope = ['--function', functionName, '--source-arn', streamArn];
      expect((await cli(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
      expect((await cli(['--yes', 'register', 'sqs', ...scope, '--id', 'copy', '--destination', queueUrl!, '--collapse', 'none', '--active'])).code).toBe(0);
      expect((await cli(['--yes', 'hook', ...scope, '--starting-position', 'TRIM_HORIZON'])).code).toBe(0);
      await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: Buffer.from('{"order":1}') }));

      const { terminal, pressCtrlC } = terminalWithCtrlC();
      const running = cli(['local', '--function', functionName, '--checkpoints', checkpointsFile(), '--refresh', '1'], terminal);
      const bodies: string[] = [];
      await expect.poll(async () => bodies.push(...(await receiveBodies(queueUrl!, moto.endpoint))) && bodies, { interval: 500 }).toEqual(['{"order":1}']);
      pressCtrlC();
      expect((await running).code).toBe(0);

      const lambda = session.client(LambdaClient);
      expect((await lambda.send(new GetFunctionCommand({ FunctionName: functionName }))).Configuration?.FunctionName).toBe(functionName);
      const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }));
      expect(EventSourceMappings?.map((mapping) => mapping.EventSourceArn)).toEqual([streamArn]);
    } finally {
      await moto.stop();
    }
  });

  it('reaches a moto behind a self-signed certificate with --no-verify-ssl only', async () => {
    const proxy = await selfSignedProxy(aws.endpoint);
    try {
      const endpoint = new URL(proxy.endpoint);
      await expect(ensureMoto(endpoint, { session: sessionAt(proxy.endpoint) })).rejects.toThrow(
        new RegExp(`^--no-verify-ssl: the TLS certificate at ${proxy.endpoint} cannot be verified \\(self[- ]signed certificate\\); pass --no-verify-ssl if it is your local AWS$`),
      );
      expect(await ensureMoto(endpoint, { session: sessionAt(proxy.endpoint, false), verifySsl: false })).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });
});
