import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOOPBACK, answersOk } from '../net.js';
import { startServer } from '../process.js';
import { CONTROL_ROUTES } from './fake-aws/routes.js';
import { fakeAwsControl, type FakeAwsControl } from './fake-aws/client.js';

export type { FakeApiCounters, FakeAwsCounters, KeptEntry } from './fake-aws/types.js';

/**
 * A fake AWS endpoint for benchmarks and tests that need targets that always succeed, at once: it
 * answers every target write (SQS, SNS, Kinesis, Firehose, Lambda, IoT, OpenSearch, plain HTTP) as
 * the real API answers a success, as little work per request as it can, and passes every other
 * request to an upstream (moto). It runs in a process of its own, so that its work is not counted
 * in the CPU of the process under test; the test reads what it counted over its control routes.
 */

export interface FakeAwsOptions {
  /** Where calls that are not target writes go (moto's endpoint: DynamoDB, CloudWatch, Kinesis reads, STS ...). Without it they are answered 400 with an AWS-style UnknownOperation error. */
  upstream?: string;
  /** Keep every entry's payload, by destination, for tests that check what arrived (default false: count only). */
  keep?: boolean;
  /** Tables whose GetItem the fake answers itself, as if they were empty (a healthy function's progress table), instead of passing it to the upstream. */
  emptyTables?: readonly string[];
  /** Default: a free port. */
  port?: number;
}

export interface FakeAws extends FakeAwsControl {
  /** `http://127.0.0.1:PORT`: every client's endpoint, the HTTP target's URL's origin. */
  endpoint: string;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./fake-aws/main.ts', import.meta.url));
/** Where `--import tsx` resolves: the test bed's package. */
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

/** The port the fake's process says it listens on (its first line), once it does. */
function listeningPort(logFile: string): number | undefined {
  const match = /^\{"port":(\d+)\}$/m.exec(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  return match ? Number(match[1]) : undefined;
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const logDir = mkdtempSync(join(tmpdir(), 'fanout-fake-aws-'));
  const logFile = join(logDir, 'fake-aws.log');
  // without a port the kernel picks one as the process listens: a port found free beforehand
  // could be taken meanwhile by another test's server, which would then answer in this one's place
  const args = ['--import', 'tsx', MAIN, ...(options.port === undefined ? [] : ['--port', String(options.port)])];
  if (options.upstream !== undefined) args.push('--upstream', options.upstream);
  if (options.keep) args.push('--keep');
  for (const table of options.emptyTables ?? []) args.push('--empty-table', table);
  const endpointOf = (port: number) => `http://${LOOPBACK}:${port}`;
  const server = await startServer({
    name: 'fake AWS endpoint',
    command: process.execPath,
    args,
    cwd: PACKAGE_DIR,
    logFile,
    isReady: async () => {
      const port = listeningPort(logFile);
      return port !== undefined && answersOk(`${endpointOf(port)}${CONTROL_ROUTES.counters}`);
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
  }).catch((error: unknown) => {
    rmSync(logDir, { recursive: true, force: true });
    throw error;
  });
  const endpoint = endpointOf(listeningPort(logFile)!);

  return {
    endpoint,
    ...fakeAwsControl(endpoint),
    stop: async () => {
      await server.stop();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
