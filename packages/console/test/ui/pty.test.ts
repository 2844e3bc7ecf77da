import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, cacheDirectory, freePort, motoRequests, uniqueName, WAIT_CEILING_MS } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild } from '../../scripts/build.js';
import { aws, fanoutConsole } from '../support/console.js';
import { createQueue, createStream, receiveBodies } from '../support/destination-resources.js';
import { openScreen, type Screen } from '../support/screen.js';

const packageDir = resolve(import.meta.dirname, '../..');
const installDir = mkdtempSync(join(tmpdir(), 'fanout-console-pty-'));
let built: ConsoleBuild;

/** The bundled console as installed (its dependencies beside it), so that the real binary runs. */
beforeAll(async () => {
  copyFileSync(join(packageDir, 'package.json'), join(installDir, 'package.json'));
  symlinkSync(join(packageDir, 'node_modules'), join(installDir, 'node_modules'));
  built = await buildConsole(join(installDir, 'dist'), join(installDir, 'runtime'));
});

afterAll(() => rmSync(installDir, { recursive: true, force: true }));

/**
 * Runs the console in a pseudo-terminal made by util-linux's `script`, as a person at a terminal
 * would: keys go in through the terminal, the screen comes out of it.
 */
const terminalEnv = { PATH: process.env.PATH, TERM: 'xterm-256color', NO_COLOR: '1', AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey };

function inTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const command = [process.execPath, built.cliFile, ...args].map((part) => `'${part}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...terminalEnv, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => (screen += stripVTControlCharacters(chunk.toString('utf8'))));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    /** Types keys one read at a time, as a person does (keys that arrive together are one input). */
    type: async (...keys: string[]) => {
      for (const key of keys) {
        child.stdin.write(key);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    /** Waits until the screen shows `text` (after `from`, the screen's length when the step began). */
    shows: async (text: string, from = 0, timeoutMs = WAIT_CEILING_MS) => {
      const deadline = Date.now() + timeoutMs;
      while (!screen.slice(from).includes(text)) {
        if (Date.now() > deadline) throw new Error(`the terminal never showed "${text}"; it showed:\n${screen.slice(-6_000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return screen.length;
    },
    exited,
    kill: () => child.kill(),
  };
}

/** The reads of a deployment's targets table (DynamoDB Query) moto has received so far. */
function targetReads(functionName: string): number {
  return motoRequests(aws, /^\/$/).filter(
    (request) => request.headers['X-Amz-Target']?.endsWith('.Query') && request.body.includes(`"TableName":"${functionName}Targets"`),
  ).length;
}

/**
 * Waits for the demo's orders in its queue at this endpoint: it puts an order a second, and the
 * function's code, polling here, copies them there (at least two messages); their bodies.
 */
async function demoOrders(endpoint: string): Promise<string[]> {
  const { QueueUrl } = await new SQSClient({ ...awsClientConfig(aws), endpoint }).send(new GetQueueUrlCommand({ QueueName: 'fanout-demo-copies' }));
  const orders: string[] = [];
  await expect.poll(async () => orders.push(...(await receiveBodies(QueueUrl!, endpoint))) && orders.length, { interval: 500 }).toBeGreaterThanOrEqual(2);
  return orders;
}

describe('fanout-console in a terminal', () => {
  it('opens the app with no command, finds the hooked source, shows the keys on ?, and quits on q with exit code 0', async () => {
    const functionName = 'fanout';
    const stream = await createStream();
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'hook', '--function', functionName, '--source-arn', stream.arn])).code).toBe(0);
    const terminal = inTerminal(['--endpoint-url', aws.endpoint, '--region', aws.regions[0]]);
    try {
      const loaded = await terminal.shows(`function ${functionName} (Active)`);
      // the shared moto holds other tests' sources too: find this one by its name
      await terminal.type('/', stream.name, '\r');
      const filtered = await terminal.shows(`› ${stream.name}`, loaded);
      await terminal.type('?');
      await terminal.shows('pause or resume the source\'s hook', filtered);
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.kill();
    }
  });

  it('opens `ui --function NAME --refresh 1` on that deployment and reads the targets again every second', async () => {
    const functionName = uniqueName('pty-ui');
    const stream = await createStream();
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    const terminal = inTerminal(['--endpoint-url', aws.endpoint, '--region', aws.regions[0], 'ui', '--function', functionName, '--refresh', '1']);
    try {
      const loaded = await terminal.shows(`function ${functionName} (Active)`);
      await terminal.type('/', stream.name, '\r', '\r');
      const opened = await terminal.shows('DESTINATION', loaded);
      // a target registered elsewhere shows without a key pressed (short id: `script`'s terminal is 80 columns)
      const { url } = await createQueue();
      expect((await fanoutConsole(['--yes', 'register', 'sqs', '--function', functionName, '--source-arn', stream.arn, '--id', 'late', '--destination', url])).code).toBe(0);
      await terminal.shows(' late ', opened);
      /*
       * ...read every second, not every 5 (the default): the app's reads of its targets table, as
       * moto received them. Four more reads take at least 15 s at a refresh of 5 s (a timer a busy
       * machine only delays) and about 4 s at 1 s; waiting for the fourth and bounding the time it
       * took at 15 s leaves a slow machine nearly four times the time a quiet one needs.
       */
      const before = targetReads(functionName);
      const started = Date.now();
      await expect.poll(() => targetReads(functionName) - before, { interval: 100 }).toBeGreaterThanOrEqual(4);
      expect(Date.now() - started).toBeLessThan(15_000);
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.kill();
    }
  });

  it('--local on a running moto: prepares the demo, runs the function here, and orders flow to the queue while the app is open', async () => {
    const state = mkdtempSync(join(tmpdir(), 'fanout-local-state-'));
    const terminal = inTerminal(['--local', '--endpoint-url', aws.endpoint], { XDG_STATE_HOME: state });
    try {
      const loaded = await terminal.shows('function fanout (Active)');
      await terminal.type('/', 'fanout-demo', '\r', '\r');
      await terminal.shows('copies', loaded);
      const orders = await demoOrders(aws.endpoint);
      // collapse JSON: the orders, as the demo put them, in one message per batch
      expect(JSON.parse(orders[0]!)).toMatchObject({ Records: expect.arrayContaining([expect.objectContaining({ order: expect.any(Number), item: expect.any(String) })]) });
      const beforeQuit = await terminal.shows('copies', loaded);
      await terminal.type('q');
      // the orders and the function's code here take a moment to stop: the app says so
      await terminal.shows('stopping…', beforeQuit);
      expect(await terminal.exited).toBe(0);
      // the poller kept its checkpoints where XDG_STATE_HOME says
      expect(Object.keys(JSON.parse(readFileSync(join(state, 'fanout', 'checkpoints', aws.regions[0], 'fanout.json'), 'utf8')) as object)).toHaveLength(1);
    } finally {
      terminal.kill();
    }
  });

  it('--local with nothing at the endpoint: starts moto_server there (no Docker for Lambda), runs the demo without AWS credentials, stops moto on quit; without moto_server, says how to get it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'fanout-local-state-'));
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const missing = inTerminal(['--local', '--endpoint-url', endpoint], { PATH: '/usr/bin:/bin', XDG_STATE_HOME: state });
    try {
      await missing.shows(`fanout-console: --local: nothing answers at ${endpoint} and moto_server is not on the PATH; pip install 'moto[server]', or start a moto and pass --endpoint-url`);
      expect(await missing.exited).toBe(2);
    } finally {
      missing.kill();
    }

    // no AWS credentials at all, as on a machine without an AWS account: --local's made-up keys do
    const venv = join(cacheDirectory(), 'venv', 'bin');
    const none = join(state, 'none');
    const noCredentials = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: none, AWS_CONFIG_FILE: none };
    const terminal = inTerminal(['--local', '--endpoint-url', endpoint], { PATH: `${venv}:${process.env.PATH}`, XDG_STATE_HOME: state, ...noCredentials });
    try {
      const loaded = await terminal.shows('function fanout (Active)');
      // the moto started runs no function in Docker: the orders are delivered by the function's code here only
      expect(await (await fetch(`${endpoint}/moto-api/config`)).json()).toMatchObject({ lambda: { use_docker: false } });
      await terminal.type('/', 'fanout-demo', '\r', '\r');
      await terminal.shows('copies', loaded);
      await demoOrders(endpoint);
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
      await expect.poll(() => fetch(endpoint).then(() => 'answers', () => 'gone')).toBe('gone');
    } finally {
      terminal.kill();
    }
  });
});

describe('the app on a terminal emulator\'s screen', () => {
  const functionName = uniqueName('screen');
  let stream: { name: string; arn: string };
  const queues: string[] = [];

  beforeAll(async () => {
    stream = await createStream();
    const on = ['--function', functionName, '--source-arn', stream.arn];
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    for (const id of ['copy', 'archive']) {
      const queue = await createQueue();
      queues.push(queue.name);
      expect((await fanoutConsole(['--yes', 'register', 'sqs', ...on, '--id', id, '--destination', queue.url, '--active'])).code).toBe(0);
    }
    expect((await fanoutConsole(['--yes', 'hook', ...on])).code).toBe(0);
  });

  /** The real console's app on the deployment, in a terminal of that size; `before` is on the screen first, as a shell's lines would be. */
  const openApp = (columns: number, rows: number, before = '') =>
    openScreen(process.execPath, [built.cliFile, '--endpoint-url', aws.endpoint, '--region', aws.regions[0], 'ui', '--function', functionName], { columns, rows, env: terminalEnv, before });

  /** Waits for the sources read (the shared moto has many), opens this stream's targets and waits for both, their activity read. */
  async function openTargets(screen: Screen): Promise<string[]> {
    // the header read (cut at narrow widths), and the sources listed (this stream may be below the screen's last row: the filter finds it)
    await screen.shows((lines) => !lines[0]!.includes('account …') && lines.some((line) => /\bkinesis\b/.test(line)), 'the sources');
    await screen.type('/', stream.name);
    await screen.shows((lines) => lines.some((line) => line.includes(stream.name)), 'the stream, filtered');
    await screen.type('\r', '\r');
    return targetsShown(screen);
  }

  const targetsShown = (screen: Screen) =>
    screen.shows((lines) => queues.every((queue) => lines.some((line) => line.includes(queue) && !line.includes('·'))) && lines.at(-1)!.endsWith('targets'), 'the targets');

  it('draws in the alternate screen; after each resize (80×24, 60×20, 160×50) the screen is what the app draws at that size, no line of an earlier frame left; q restores the screen as it was', async () => {
    const screen = openApp(80, 24, 'BEFORE the app\r\n');
    try {
      let frame = await openTargets(screen);
      expect(await screen.buffer()).toBe('alternate');
      for (const [columns, rows] of [[60, 20], [160, 50]] as const) {
        // the app as it draws at that size from the start
        const fresh = openApp(columns, rows);
        let expected: string[];
        try {
          expected = await openTargets(fresh);
        } finally {
          fresh.dispose();
        }
        screen.resize(columns, rows);
        const resized = await screen.shows((lines) => lines.join('\n') === expected.join('\n'), `the targets at ${columns}×${rows} as a fresh app draws them:\n${expected.join('\n')}\n`);
        // (said again: no line of the frame before that the frame now does not have)
        const earlier = frame.filter((line) => line.trim() && !expected.includes(line));
        expect(resized.filter((line) => earlier.includes(line))).toEqual([]);
        // nothing wraps: the header is one line, cut at the edge, the column titles another
        expect(resized[0]).toMatch(/^fanout account /);
        expect(resized.filter((line) => /^ {2}ID /.test(line))).toHaveLength(1);
        frame = resized;
      }
      await screen.type('q');
      expect(await screen.exited).toBe(0);
      expect(await screen.buffer()).toBe('normal');
      // the screen as it was before: no frame of the app on it, or in the scrollback
      const normal = await screen.normalLines();
      expect(normal[0]).toBe('BEFORE the app');
      expect(normal.filter((line) => line.includes('fanout account') || line.includes(stream.name))).toEqual([]);
    } finally {
      screen.dispose();
    }
  });

  it('restores the screen on Ctrl-C and on SIGTERM too', async () => {
    for (const end of ['Ctrl-C', 'SIGTERM'] as const) {
      const screen = openApp(80, 24, 'BEFORE the app\r\n');
      try {
        await screen.shows((lines) => lines[0]!.includes(`function ${functionName} (Active)`), 'the app');
        expect(await screen.buffer()).toBe('alternate');
        if (end === 'Ctrl-C') await screen.type('\u0003');
        else screen.signal('SIGTERM');
        await screen.exited;
        expect(await screen.buffer(), end).toBe('normal');
        expect((await screen.normalLines()).filter((line) => line.includes('fanout account')), end).toEqual([]);
      } finally {
        screen.dispose();
      }
    }
  });
});
