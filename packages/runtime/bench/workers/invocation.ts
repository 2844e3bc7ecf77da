import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';
import { tellBench } from './channel.js';

/** What a worker measured of one invocation: CPU of the whole process (every thread), and wall time. */
export interface Invocation {
  cpuMs: number;
  wallMs: number;
}

/**
 * What the bench asks of a warm worker over its IPC channel, one at a time: an invocation measured
 * (answered with its Invocation), or the end (answered with the process's peak resident set).
 */
export type WorkerRequest = 'invoke' | 'finish';
export interface Finished {
  /** The process's peak resident set, in bytes. */
  peakRssBytes: number;
}
/** What a worker says once it is warm, before it is asked anything. */
export const READY = 'ready';

/** The environment that names the file a worker writes its CPU profile to, of its measured invocations alone. */
export const PROFILE_FILE_ENVIRONMENT = 'BENCH_PROFILE_FILE';

/** What a worker is told: the event's file, then its own. */
export interface WorkerArguments {
  eventFile: string;
  rest: string[];
}

export function workerArguments(): WorkerArguments {
  const [eventFile, ...rest] = process.argv.slice(2);
  if (!eventFile) throw new Error('usage: worker EVENT_FILE [...]');
  return { eventFile, rest };
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

/** With a profile file named: a CPU profile from the first measured invocation to the last. */
async function startProfiler(): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env[PROFILE_FILE_ENVIRONMENT];
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  // with BENCH_HEAP_PROFILE set, also where the heap was allocated, collected objects included: what the collector had to do
  const heap = Boolean(process.env.BENCH_HEAP_PROFILE);
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  if (heap) await session.post('HeapProfiler.startSampling', { samplingInterval: 4_096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      if (heap) writeFileSync(file.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
    },
  };
}

/** Each thread's CPU time so far, by the thread's name, in milliseconds (Linux: /proc/self/task/TID/stat, in clock ticks of 10 ms). */
function threadCpuMs(): Map<string, number> {
  const byName = new Map<string, number>();
  for (const thread of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
    } catch {
      // the thread ended after the list was read
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // after the name: state is field 3, utime and stime fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return byName;
}

/** The names of a collection's kinds, as perf_hooks numbers them. */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
type CollectionEntry = PerformanceEntry & { detail?: { kind?: number } };

/**
 * With BENCH_TRACE_CPU set: what a CPU profile (the main thread's JavaScript) does not show of the
 * measured invocations: user against system time, page faults and collections within them, and
 * the CPU time by thread (main, V8's helpers, libuv's pool) over the whole measured phase, between
 * the invocations too (the events' parsing, the bench's requests).
 */
function cpuTracer(): { invocation<T>(run: () => Promise<T>): Promise<T>; stop(): void } | undefined {
  if (!process.env.BENCH_TRACE_CPU) return undefined;
  const threadsBefore = threadCpuMs();
  const within = { userMs: 0, systemMs: 0, minorFaults: 0, majorFaults: 0 };
  const invocations: Array<[start: number, end: number]> = [];
  const collections: CollectionEntry[] = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    async invocation(run) {
      const usage = process.resourceUsage();
      const started = performance.now();
      const result = await run();
      invocations.push([started, performance.now()]);
      const after = process.resourceUsage();
      within.userMs += (after.userCPUTime - usage.userCPUTime) / 1_000;
      within.systemMs += (after.systemCPUTime - usage.systemCPUTime) / 1_000;
      within.minorFaults += after.minorPageFault - usage.minorPageFault;
      within.majorFaults += after.majorPageFault - usage.majorPageFault;
      return result;
    },
    stop() {
      collections.push(...observer.takeRecords());
      observer.disconnect();
      const each = (total: number) => (total / invocations.length).toFixed(1);
      const inInvocations = collections.filter(({ startTime }) => invocations.some(([start, end]) => startTime >= start && startTime <= end));
      const byKind = Map.groupBy(inInvocations, (entry) => GC_KINDS[entry.detail?.kind ?? 0] ?? 'other');
      const collected = [...byKind].map(([kind, entries]) => `${kind} ${each(entries.length)} in ${each(entries.reduce((sum, { duration }) => sum + duration, 0))} ms`);
      const byThread = [...threadCpuMs()].map(([name, ms]) => `${name} ${each(ms - (threadsBefore.get(name) ?? 0))}`);
      const worker = `${basename(process.argv[1]!)} ${process.argv.slice(3).join(' ').slice(0, 40)}`;
      const figures = [...Object.entries(within).map(([name, total]) => `${name} ${each(total)}`), `collections: ${collected.join(', ')}`];
      process.stderr.write(`${worker}: each of ${invocations.length} invocations: ${figures.join(', ')}; CPU ms by thread over the measured phase, per invocation: ${byThread.join(', ')}\n`);
    },
  };
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
/**
 * Runs `invoke` to warm up, then says it is ready and runs a measured invocation each time the
 * bench asks, each with the event parsed afresh as Lambda gives it, until the bench says finish.
 */
export async function measureWarmInvocations(invoke: (event: StreamEvent) => Promise<BatchResponse | void>): Promise<void> {
  const { eventFile } = workerArguments();
  // read and parsed for each invocation, as Lambda's runtime receives an event as text: nothing else of it stays in memory
  const nextEvent = () => JSON.parse(readFileSync(eventFile, 'utf8')) as StreamEvent;
  const warmUpStart = process.cpuUsage();
  for (let warmUp = 0; warmUp < WARM_UP_INVOCATIONS.most; warmUp++) {
    if (warmUp >= WARM_UP_INVOCATIONS.least && cpuMs(process.cpuUsage(warmUpStart)) >= WARM_UP_CPU_MS) break;
    check(await invoke(nextEvent()));
  }
  if (process.env.BENCH_TRACE_MEMORY) traceMemory();
  let profiler: Awaited<ReturnType<typeof startProfiler>>;
  let tracer: ReturnType<typeof cpuTracer>;
  const measure = async (): Promise<Invocation> => {
    profiler ??= await startProfiler();
    tracer ??= cpuTracer();
    const event = nextEvent();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const response = await (tracer ? tracer.invocation(() => invoke(event)) : invoke(event));
    const invocation = { wallMs: performance.now() - started, cpuMs: cpuMs(process.cpuUsage(cpuBefore)) };
    check(response);
    return invocation;
  };
  const finish = async (): Promise<void> => {
    tracer?.stop();
    await profiler?.stop();
    await tellBench({ peakRssBytes: process.resourceUsage().maxRSS * 1_024 } satisfies Finished);
    process.exit(0);
  };
  // a failed invocation rejects unhandled: the worker exits with it, and the bench reports its stderr
  process.on('message', (request: WorkerRequest) => void (request === 'invoke' ? measure().then(tellBench) : finish()));
  await tellBench(READY);
}

function check(response: BatchResponse | void): void {
  if (response && response.batchItemFailures.length > 0) {
    throw new Error(`the invocation reported ${response.batchItemFailures.length} failures: the bench's targets must take everything`);
  }
}
