import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, cacheDirectory, freePort, uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild } from '../../scripts/build.js';
import { aws, fanoutConsole } from '../support/console.js';
import { createQueue, createStream } from '../support/destination-resources.js';

const packageDir = resolve(import.meta.dirname, '../..');
const installDir = mkdtempSync(join(tmpdir(), 'fanout-console-pty-'));
let built: ConsoleBuild;

/** The bundled console as installed (its dependencies beside it), so that the real binary runs. */
beforeAll(async () => {
  copyFileSync(join(packageDir, 'package.json'), join(installDir, 'package.json'));
  symlinkSync(join(packageDir, 'node_modules'), join(installDir, 'node_modules'));
  built = await buildConsole(join(installDir, 'dist'), join(installDir, 'runtime'));
}, 120_000);

afterAll(() => rmSync(installDir, { recursive: true, force: true }));

/**
 * Runs the console in a pseudo-terminal made by util-linux's `script`, as a person at a terminal
 * would: keys go in through the terminal, the screen comes out of it.
 */
function inTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const command = [process.execPath, built.cliFile, ...args].map((part) => `'${part}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env.PATH, TERM: 'xterm-256color', NO_COLOR: '1', AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey, ...env },
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
    shows: async (text: string, from = 0, timeoutMs = 15_000) => {
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
  }, 60_000);

  it('opens `ui --function NAME --refresh 1` on that deployment and reads the targets again every second', async () => {
    const functionName = uniqueName('pty-ui');
    const stream = await createStream();
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    const terminal = inTerminal(['--endpoint-url', aws.endpoint, '--region', aws.regions[0], 'ui', '--function', functionName, '--refresh', '1']);
    try {
      const loaded = await terminal.shows(`function ${functionName} (Active)`);
      await terminal.type('/', stream.name, '\r', '\r');
      const opened = await terminal.shows('DESTINATION', loaded);
      // targets registered elsewhere show without a key pressed, each within the refresh of 1 s plus
      // a read (every one of three within 2 s would rarely happen with the default of 5 s)
      let frame = opened;
      for (const id of ['late1', 'late2', 'late3']) {
        const { url } = await createQueue();
        const registered = ['--yes', 'register', 'sqs', '--function', functionName, '--source-arn', stream.arn, '--id', id, '--destination', url];
        expect((await fanoutConsole(registered)).code).toBe(0);
        const since = Date.now();
        // (short ids: the terminal of `script` is 80 columns wide)
        frame = await terminal.shows(` ${id} `, frame);
        expect(Date.now() - since).toBeLessThan(2_000);
      }
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.kill();
    }
  }, 60_000);

  it('--local on a running moto: prepares the demo, runs the function here, and orders flow to the queue while the app is open', async () => {
    const state = mkdtempSync(join(tmpdir(), 'fanout-local-state-'));
    const terminal = inTerminal(['--local', '--endpoint-url', aws.endpoint], { XDG_STATE_HOME: state });
    try {
      const loaded = await terminal.shows('function fanout (Active)');
      await terminal.type('/', 'fanout-demo', '\r', '\r');
      await terminal.shows('copies', loaded);
      // the demo puts an order a second; the function's code, polling here, copies each to the queue
      const sqs = new SQSClient(awsClientConfig(aws));
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'fanout-demo-copies' }));
      const orders: string[] = [];
      await expect
        .poll(async () => {
          const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
          orders.push(...Messages.map((message) => message.Body ?? ''));
          return orders.length;
        }, { timeout: 20_000, interval: 500 })
        .toBeGreaterThanOrEqual(2);
      // collapse JSON: the orders, as the demo put them, in one message per batch
      expect(JSON.parse(orders[0]!)).toMatchObject({ Records: expect.arrayContaining([expect.objectContaining({ order: expect.any(Number), item: expect.any(String) })]) });
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
      // the poller kept its checkpoints where XDG_STATE_HOME says
      expect(Object.keys(JSON.parse(readFileSync(join(state, 'fanout', 'checkpoints', aws.regions[0], 'fanout.json'), 'utf8')) as object)).toHaveLength(1);
    } finally {
      terminal.kill();
    }
  }, 90_000);

  it('--local with nothing at the endpoint: starts moto_server there and stops it on quit; without moto_server, says how to get it', async () => {
    const state = mkdtempSync(join(tmpdir(), 'fanout-local-state-'));
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const missing = inTerminal(['--local', '--endpoint-url', endpoint], { PATH: '/usr/bin:/bin', XDG_STATE_HOME: state });
    await missing.shows(`fanout-console: --local: nothing answers at ${endpoint} and moto_server is not on the PATH; pip install 'moto[server]', or start a moto and pass --endpoint-url`);
    expect(await missing.exited).toBe(2);

    const venv = join(cacheDirectory(), 'venv', 'bin');
    const terminal = inTerminal(['--local', '--endpoint-url', endpoint], { PATH: `${venv}:${process.env.PATH}`, XDG_STATE_HOME: state });
    try {
      await terminal.shows('function fanout (Active)', 0, 60_000);
      await terminal.type('q');
      expect(await terminal.exited).toBe(0);
      await expect.poll(() => fetch(endpoint).then(() => 'answers', () => 'gone'), { timeout: 10_000 }).toBe('gone');
    } finally {
      terminal.kill();
    }
  }, 120_000);
});
