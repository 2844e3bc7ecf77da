import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';

/** What a worker measured of one invocation: CPU of the whole process (every thread), wall time, what the targets counted. */
export interface InvocationFigures {
  cpuMs: number;
  wallMs: number;
  /** What the targets' servers counted of the measured invocations, an invocation's share, by operation (the fake AWS endpoint's, Redis's and memcached's commands). */
  requests: Record<string, { requests: number; entries: number; bytes: number }>;
  /** The process's peak resident set, in bytes. */
  peakRssBytes: number;
}

/**
 * The environment that has a worker count what its targets were sent (`count` set to 1), and
 * tells it where the Redis and memcached servers are, whose commands are counted. Without it
 * nothing is counted: the memory case, where a counting process would share the cgroup.
 */
export const COUNTING = { count: 'BENCH_COUNT_REQUESTS', redisUrl: 'BENCH_REDIS_URL', memcachedServers: 'BENCH_MEMCACHED_SERVERS' } as const;

/** What a worker is told: the event's file, the fake's endpoint, where to write the figures, then its own. */
export interface WorkerArguments {
  eventFile: string;
  fakeEndpoint: string;
  resultFile: string;
  rest: string[];
}

export function workerArguments(): WorkerArguments {
  const [eventFile, fakeEndpoint, resultFile, ...rest] = process.argv.slice(2);
  if (!eventFile || !fakeEndpoint || !resultFile) throw new Error('usage: worker EVENT_FILE FAKE_ENDPOINT RESULT_FILE [...]');
  return { eventFile, fakeEndpoint, resultFile, rest };
}

/** With BENCH_TRACE_MEMORY set (and --expose-gc, which the bench gives every worker) the process's memory after the warm-up, before and after a full collection, and a heap snapshot. */
function traceMemory(): void {
  const mebibytes = (usage: NodeJS.MemoryUsage) => Object.entries(usage).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(1)}`).join(', ');
  // the resident set by kind: anonymous (heaps, malloc), file-backed (the node binary's pages touched)
  const resident = () => readFileSync('/proc/self/status', 'utf8').split('\n').filter((line) => /^(VmHWM|RssAnon|RssFile|RssShmem)/.test(line)).join(', ').replace(/\s+/g, ' ');
  process.stderr.write(`after the warm-up: ${mebibytes(process.memoryUsage())}; ${resident()}\n`);
  globalThis.gc?.();
  process.stderr.write(`after a full collection: ${mebibytes(process.memoryUsage())}; ${resident()}\n`);
  if (process.env.BENCH_TRACE_MEMORY === 'snapshot') process.stderr.write(`heap snapshot: ${writeHeapSnapshot()}\n`);
}

/** With BENCH_PROFILE_DIR set: a CPU profile of the measured invocation alone, beside the figures. */
async function startProfiler(): Promise<{ stop(file: string): Promise<void> } | undefined> {
  const directory = process.env.BENCH_PROFILE_DIR;
  if (!directory) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(directory, basename(file)), JSON.stringify(profile));
    },
  };
}

/**
 * The counters of every target's server (counters.ts), zeroed or read from a Node process of its
 * own. Not from this one: a request of another shape between the warm-up and the measured
 * invocations (fetch's undici, or node:http called otherwise) deoptimised V8's code of Node's HTTP
 * client and streams, and the measured invocations then ran 20–50 % slower while it was optimised again.
 */
function countersOfTargets(action: 'reset' | 'read', fakeEndpoint: string): InvocationFigures['requests'] {
  if (process.env[COUNTING.count] !== '1') return {};
  const script = fileURLToPath(new URL('./counters.mjs', import.meta.url));
  const servers = [process.env[COUNTING.redisUrl] ?? '', process.env[COUNTING.memcachedServers] ?? ''];
  return JSON.parse(execFileSync(process.execPath, [script, action, fakeEndpoint, ...servers], { encoding: 'utf8' })) as InvocationFigures['requests'];
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1_000;

/**
 * Invocations before the measured ones, of the measured event itself: clients made, code compiled
 * and optimised, the targets read. At least the first figure, and more until they have spent the
 * CPU time: a case of a few milliseconds an invocation is still being optimised after two (up to
 * a third of its CPU time). Warm-ups of a fifth of the event left V8's code fitted to smaller
 * batches: the measured invocations then ran 10–40 % slower and unsteadily (http none: 300–440 ms
 * an invocation where, after full-size warm-ups, it is 300–330), the function more than the
 * baseline. A warm function under a steady stream is given batches of one size, as here. Two
 * seconds, ten or more invocations of a small case: the function has more code to optimise than
 * its baseline, and after half a second its small cases still measured 30–50 % over it.
 */
const WARM_UP_INVOCATIONS = { least: 2, most: 50 };
const WARM_UP_CPU_MS = 2_000;
/** Measured invocations at most, and the CPU time after which no more are run (the slowest cases take seconds each). */
const MEASURED_INVOCATIONS = 3;
const MEASURED_CPU_MS = 1_500;

/**
 * Runs `invoke` to warm up, then measured, each time with the event parsed afresh as Lambda gives
 * it; writes the figures of the measured invocation of median CPU, and the requests of all of them
 * divided by their number.
 */
export async function measureWarmInvocation(invoke: (event: StreamEvent) => Promise<BatchResponse | void>): Promise<void> {
  const { eventFile, fakeEndpoint, resultFile } = workerArguments();
  // read and parsed for each invocation, as Lambda's runtime receives an event as text: nothing else of it stays in memory
  const nextEvent = () => JSON.parse(readFileSync(eventFile, 'utf8')) as StreamEvent;
  const warmUpStart = process.cpuUsage();
  for (let warmUp = 0; warmUp < WARM_UP_INVOCATIONS.most; warmUp++) {
    if (warmUp >= WARM_UP_INVOCATIONS.least && cpuMs(process.cpuUsage(warmUpStart)) >= WARM_UP_CPU_MS) break;
    check(await invoke(nextEvent()));
  }
  if (process.env.BENCH_TRACE_MEMORY) traceMemory();
  countersOfTargets('reset', fakeEndpoint);
  const runs: Array<{ cpuMs: number; wallMs: number }> = [];
  const profiler = await startProfiler();
  while (runs.length < MEASURED_INVOCATIONS && runs.reduce((sum, run) => sum + run.cpuMs, 0) < MEASURED_CPU_MS) {
    const event = nextEvent();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const response = await invoke(event);
    runs.push({ wallMs: performance.now() - started, cpuMs: cpuMs(process.cpuUsage(cpuBefore)) });
    check(response);
  }
  await profiler?.stop(resultFile.replace(/\.json$/, '.cpuprofile'));
  const counted = countersOfTargets('read', fakeEndpoint);
  const requests = Object.fromEntries(
    Object.entries(counted).map(([operation, { requests: calls, entries, bytes }]) => [
      operation,
      { requests: calls / runs.length, entries: entries / runs.length, bytes: bytes / runs.length },
    ]),
  );
  const median = runs.toSorted((a, b) => a.cpuMs - b.cpuMs)[Math.floor(runs.length / 2)]!;
  const figures: InvocationFigures = { ...median, requests, peakRssBytes: process.resourceUsage().maxRSS * 1_024 };
  writeFileSync(resultFile, JSON.stringify(figures));
  process.exit(0);
}

function check(response: BatchResponse | void): void {
  if (response && response.batchItemFailures.length > 0) {
    throw new Error(`the invocation reported ${response.batchItemFailures.length} failures: the bench's targets must take everything`);
  }
}
