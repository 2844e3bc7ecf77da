import { execFileSync, spawn, type Serializable } from 'node:child_process';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REQUIRE_SHIM, minifyOptions, type Minify } from '../scripts/build.js';
import { BUNDLE_TARGET } from '../src/config/lambda-runtimes.js';
import { PROFILE_FILE_ENVIRONMENT } from './workers/invocation.js';

/** The workers, built as the function is (one ES module bundle each, minified), so that no TypeScript loader runs in them. */
export interface Workers {
  fanout: string;
  baseline: string;
  coldStart: string;
}

export async function buildWorkers(options: { minify: Minify }): Promise<Workers> {
  const outdir = mkdtempSync(join(tmpdir(), 'fanout-bench-'));
  await build({
    absWorkingDir: join(import.meta.dirname, 'workers'),
    entryPoints: ['fanout.ts', 'baseline.ts', 'cold-start.ts'],
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    ...minifyOptions(options.minify),
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
  return { fanout: join(outdir, 'fanout.mjs'), baseline: join(outdir, 'baseline.mjs'), coldStart: join(outdir, 'cold-start.mjs') };
}

/** Node options for every worker, for looking into one (BENCH_NODE_OPTIONS="--trace-gc"). */
const EXTRA_NODE_OPTIONS = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);

/**
 * The measured processes get a core of their own, and everything else (this process, moto, the fake
 * endpoint, Redis, memcached: they are its children) the others: whether a worker shares its core
 * with the fake's answers would otherwise decide much of its CPU time. Needs taskset and 2 cores.
 */
const MEASURED_CORE = 0;
const coreSplit = availableParallelism() >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves this process (all its threads) off the measured core; call before starting the servers. */
export function keepOffMeasuredCore(): string {
  if (!coreSplit) return 'the workers share the cores with the servers (no taskset, or one core)';
  const others = Array.from({ length: availableParallelism() }, (_, core) => core).filter((core) => core !== MEASURED_CORE);
  execFileSync('taskset', ['-a', '-pc', others.join(','), String(process.pid)], { stdio: 'ignore' });
  return `the workers on core ${MEASURED_CORE}, the servers on ${others.join(',')}`;
}

/** Gives this process every core again (for what it measures itself, after the workers). */
export function useEveryCore(): void {
  if (coreSplit) execFileSync('taskset', ['-a', '-pc', `0-${availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' });
}

let started = 0;
const logDirectory = mkdtempSync(join(tmpdir(), 'fanout-bench-workers-'));

/** A worker in a Node process of its own, asked and answering over its IPC channel. */
export interface Worker {
  /** The worker's next message. */
  next<Message>(): Promise<Message>;
  /** Sends a request; resolves with the worker's answer. */
  ask<Answer>(request: unknown): Promise<Answer>;
  /** Resolves once the process has exited well. */
  readonly exited: Promise<void>;
}

/**
 * Starts a worker. Its stdout (the function's log and metric lines, V8's traces) goes to
 * N.log in the bench's worker directory; a worker that exits before it answered, or with an
 * error, fails what waits on it with its stderr.
 */
export function startWorker(options: {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  nodeOptions?: string[];
  /** Runs the command otherwise, e.g. in a memory cgroup. */
  wrap?: (command: readonly string[]) => string[];
  /** Where the worker writes a CPU profile of its measured invocations. */
  profileDirectory?: string | undefined;
}): Worker {
  const number = ++started;
  const node = [process.execPath, '--expose-gc', ...(options.nodeOptions ?? []), ...EXTRA_NODE_OPTIONS, options.file, ...options.args];
  const wrapped = options.wrap?.(node) ?? node;
  const [command, ...args] = coreSplit ? ['taskset', '-c', String(MEASURED_CORE), ...wrapped] : wrapped;
  const profile = options.profileDirectory ? { [PROFILE_FILE_ENVIRONMENT]: join(options.profileDirectory, `${number}.cpuprofile`) } : {};
  const log = openSync(join(logDirectory, `${number}.log`), 'w');
  const child = spawn(command!, args, { env: { ...options.env, ...profile }, stdio: ['ignore', log, 'pipe', 'ipc'] });
  closeSync(log);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  const messages: unknown[] = [];
  const waiting: Array<{ resolve(message: unknown): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  child.on('message', (message) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message);
    else messages.push(message);
  });
  const exited = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      failure = error;
      for (const waiter of waiting.splice(0)) waiter.reject(error);
      reject(error);
    };
    child.on('error', fail);
    // after its stdio and IPC channel closed: every message it sent has come
    child.on('close', (code, signal) => {
      if (code !== 0) return fail(new Error(`${options.file} failed (${signal ?? `exit ${code}`}):\n${stderr}`));
      if (waiting.length > 0) return fail(new Error(`${options.file} exited before it answered:\n${stderr}`));
      // the memory traces of BENCH_TRACE_MEMORY
      if (stderr.trim()) process.stderr.write(stderr);
      resolve();
    });
  });
  // told to what waits on a message; a failure nothing waits on is no unhandled rejection
  exited.catch(() => undefined);
  const next = <Message>(): Promise<Message> => {
    if (messages.length > 0) return Promise.resolve(messages.shift() as Message);
    if (failure) return Promise.reject(failure);
    return new Promise<Message>((resolve, reject) => waiting.push({ resolve: resolve as (message: unknown) => void, reject }));
  };
  return {
    next,
    ask: (request) => {
      child.send(request as Serializable);
      return next();
    },
    exited,
  };
}
