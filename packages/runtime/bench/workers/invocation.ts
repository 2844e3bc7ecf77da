import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';
import { kinesisEvent, type Workload } from '../workload.js';

/** What a worker measured of one invocation: CPU of the whole process (every thread), wall time, the fake's counts. */
export interface InvocationFigures {
  cpuMs: number;
  wallMs: number;
  /** The fake AWS endpoint's counters for the measured invocation alone, by operation. */
  requests: Record<string, { requests: number; entries: number; bytes: number }>;
  /** The process's peak resident set, in bytes. */
  peakRssBytes: number;
}

/** What a worker is told: the event's source and size, the fake's endpoint, where to write the figures, then its own. */
export interface WorkerArguments {
  sourceArn: string;
  workload: Workload;
  fakeEndpoint: string;
  resultFile: string;
  rest: string[];
}

export function workerArguments(): WorkerArguments {
  const [sourceArn, workload, fakeEndpoint, resultFile, ...rest] = process.argv.slice(2);
  if (!sourceArn || !workload || !fakeEndpoint || !resultFile) throw new Error('usage: worker SOURCE_ARN WORKLOAD_JSON FAKE_ENDPOINT RESULT_FILE [...]');
  return { sourceArn, workload: JSON.parse(workload) as Workload, fakeEndpoint, resultFile, rest };
}

/** With BENCH_TRACE_MEMORY set (and --expose-gc): the process's memory after the warm-up, before and after a full collection, and a heap snapshot. */
function traceMemory(): void {
  const mebibytes = (usage: NodeJS.MemoryUsage) => Object.entries(usage).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(1)}`).join(', ');
  process.stderr.write(`after the warm-up: ${mebibytes(process.memoryUsage())}\n`);
  globalThis.gc?.();
  process.stderr.write(`after a full collection: ${mebibytes(process.memoryUsage())}\n`);
  if (process.env.BENCH_TRACE_MEMORY === 'snapshot') process.stderr.write(`heap snapshot: ${writeHeapSnapshot()}\n`);
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1_000;

/**
 * Runs `invoke` once to warm up (clients made, code compiled, the targets read), then once measured,
 * each with the event parsed afresh as Lambda gives it; writes the figures of the second.
 */
export async function measureWarmInvocation(invoke: (event: StreamEvent) => Promise<BatchResponse | void>): Promise<void> {
  const { sourceArn, workload, fakeEndpoint, resultFile } = workerArguments();
  // the event parsed from its text, as Lambda's runtime gives it: nothing else of it stays in memory
  const nextEvent = () => JSON.parse(JSON.stringify(kinesisEvent(sourceArn, workload))) as StreamEvent;
  await check(await invoke(nextEvent()));
  if (process.env.BENCH_TRACE_MEMORY) traceMemory();
  await fetch(`${fakeEndpoint}/__fake/reset`, { method: 'POST' });
  const event = nextEvent();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const response = await invoke(event);
  const wallMs = performance.now() - started;
  const cpu = cpuMs(process.cpuUsage(cpuBefore));
  await check(response);
  const requests = (await (await fetch(`${fakeEndpoint}/__fake/counters`)).json()) as InvocationFigures['requests'];
  const figures: InvocationFigures = { cpuMs: cpu, wallMs, requests, peakRssBytes: process.resourceUsage().maxRSS * 1_024 };
  writeFileSync(resultFile, JSON.stringify(figures));
  process.exit(0);
}

async function check(response: BatchResponse | void): Promise<void> {
  if (response && response.batchItemFailures.length > 0) {
    throw new Error(`the invocation reported ${response.batchItemFailures.length} failures: the bench's targets must take everything`);
  }
}
