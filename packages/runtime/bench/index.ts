/**
 * pnpm bench (in packages/runtime): the handler against the irreducible cost of its work. Each
 * target type and collapse mode runs in two kinds of process, both warm and asked for an
 * invocation in turn, over several rounds: the built function (its zip's code, configured as deploy configures it) and a baseline sending
 * the same bytes through the same clients in the fewest requests, with nothing of fanout in
 * between. Every AWS API and HTTP is a fast fake in a process of its own (the test bed's), whose
 * counts are the requests; Redis and memcached are real servers, which count their commands; the
 * targets and progress tables are in moto. Writes bench/results.json and the
 * README's runtime table; exits 1 when a target is missed. Never an AWS account.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { count, median, mebibytes, ms, printTable, progress, seconds, since, runBench, type Result } from '@fanout/testbed/bench';
import { TARGET_OPERATIONS, startFakeAws, startTestbed } from '@fanout/testbed';
import { buildRuntime } from '../scripts/build.js';
import { MALLOC_ENVIRONMENT, heapFlagsFor } from '../src/config/lambda-runtimes.js';
import { BENCH_CASES, MEMORY_CASE_TYPES, benchDestinations, benchRow, caseSourceArn, type BenchCase } from './cases.js';
import { buildWorkers, keepOffMeasuredCore, startWorker, useEveryCore, type Worker, type Workers } from './processes.js';
import { renderReadmeTable, writeResults, type Figure } from './report.js';
import { PROGRESS_TABLE, TARGETS_TABLE, prepareFunction } from './setup.js';
import { measureEndToEnd } from './end-to-end.js';
import { memoryLimit, type CgroupOutcome } from './memory-limit.js';
import { READY, type Finished, type Invocation } from './workers/invocation.js';
import type { ColdStart } from './workers/cold-start.js';
import { targetCounters, type Counts } from './counters.js';
import { EventFiles, TYPE_WORKLOAD, fullEventWorkload, type Workload } from './workload.js';

/** Rounds of every case; each round runs both processes of a case, the order alternating. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Only the cases whose name contains one of these (comma-separated; `memory`, `cold` and `end-to-end` are cases too), for working on a few. */
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const selected = (name: string): boolean => !ONLY?.length || ONLY.some((part) => name.includes(part));
/**
 * The baseline on both sides of every case (BENCH_BASELINE_VS_ITSELF=1): its ratios show what the
 * machine's noise alone makes of a ratio, the resolution of the CPU figures. Writes nothing.
 */
const BASELINE_VS_ITSELF = process.env.BENCH_BASELINE_VS_ITSELF === '1';
/** Where each measured invocation writes its CPU profile, when set (for finding where the time goes: the function's names are kept then). */
const PROFILE_DIRECTORY = process.env.BENCH_PROFILE_DIR;

/** fanout's CPU over the baseline's, for every type and mode: what the pipeline may add to the SDK's own work. */
const CPU_RATIO_GOAL = 1.15;
/** A 128 MB function: deploy's default memory. */
const FUNCTION_MEMORY_MB = 128;
const FUNCTION_MEMORY_BYTES = FUNCTION_MEMORY_MB * 2 ** 20;
/** What the function may hold once its code is loaded. */
const LOADED_RSS_GOAL_BYTES = 55 * 2 ** 20;
/** Loading the function and a first empty invocation, over an empty Node process. */
const COLD_START_GOAL_MS = 60;
/** The V8 limits such a function runs with: deploy sets them in its NODE_OPTIONS, and Lambda's runtime keeps them. */
const FUNCTION_HEAP_FLAGS = heapFlagsFor(FUNCTION_MEMORY_MB);

type Side = 'fanout' | 'baseline';

/**
 * A case's measured invocations, in pairs: in each round both sides are started and warmed up,
 * then asked for an invocation in turn, so that the two of a pair ran a moment apart and a
 * slower minute of a shared machine weighs on both (it moved a side's CPU time by a third from
 * one process to the next).
 */
interface CaseRuns {
  pairs: Array<Record<Side, Invocation>>;
  /** What each measured invocation sent, by side. */
  counts: Record<Side, Counts[]>;
}

/** The pairs of a case each round: at least the first figure, more until fanout's side has spent the CPU time. */
const PAIRS_PER_ROUND = { least: 3, most: 10 };
const PAIRS_CPU_MS = 1_500;
/** The measured invocations of each run of the memory case. */
const MEMORY_CASE_INVOCATIONS = 3;

/** The writes of the key-value targets, counted as their servers' commands (counters.ts). */
const SERVER_TARGET_OPERATIONS: ReadonlySet<string> = new Set(['redis.set', 'redis.del', 'memcached.set', 'memcached.delete']);

const isTargetOperation = (operation: string): boolean => Object.hasOwn(TARGET_OPERATIONS, operation) || SERVER_TARGET_OPERATIONS.has(operation);

/** Requests to the target's API, or commands to its server (not the tables, not metrics), of an invocation. */
function targetRequests(counts: Counts): number {
  return Object.entries(counts)
    .filter(([operation]) => isTargetOperation(operation))
    .reduce((sum, [, counters]) => sum + counters.requests, 0);
}

function otherRequests(counts: Counts): string {
  const others = Object.entries(counts).filter(([operation]) => !isTargetOperation(operation));
  return others.map(([operation, counters]) => `${counters.requests} ${operation}`).join(', ') || 'none';
}

async function main(): Promise<number> {
  const started = performance.now();
  if (PROFILE_DIRECTORY) mkdirSync(PROFILE_DIRECTORY, { recursive: true });
  progress('building the function and the workers…');
  const minify = PROFILE_DIRECTORY ? 'keep-names' : 'all';
  const [runtime, workers] = await Promise.all([buildRuntime(undefined, { minify }), buildWorkers({ minify })]);
  progress(`starting moto, redis-server, memcached and the fake AWS endpoint; ${keepOffMeasuredCore()}…`);
  const testbed = await startTestbed(['aws', 'redis', 'memcached']);
  // the progress table's reads (one per invocation, empty while nothing fails) are answered by the
  // fake: moto's few milliseconds of Python inside the measured invocation perturb its CPU time
  const fake = await startFakeAws({ upstream: testbed.endpoints.aws.endpoint, emptyTables: [PROGRESS_TABLE] });
  try {
    const to = benchDestinations(fake.endpoint, `${testbed.endpoints.redis.host}:${testbed.endpoints.redis.port}`, testbed.endpoints.memcached.servers);
    const cases = BENCH_CASES.filter((benchCase) => selected(benchCase.name));
    const memorySource = caseSourceArn('memory');
    const rows = [
      ...cases.map((benchCase) => benchRow(caseSourceArn(benchCase.name), 'bench', benchCase.type, benchCase.collapse, to)),
      ...MEMORY_CASE_TYPES.map((type, index) => benchRow(memorySource, `target-${index + 1}`, type, 'JSON', to)),
    ];
    const env = await prepareFunction(testbed.endpoints.aws, fake.endpoint, rows, to);

    const eventFiles = new EventFiles();
    const counters = targetCounters(fake.endpoint, to.redisUrl, to.memcachedServers);
    const startCaseWorker = (benchCase: BenchCase, side: Side): Worker => {
      const worker = BASELINE_VS_ITSELF ? 'baseline' : side;
      return startWorker({
        file: workers[worker],
        env,
        args: [eventFiles.of(caseSourceArn(benchCase.name), TYPE_WORKLOAD), ...(worker === 'fanout' ? [runtime.handlerFile] : [benchCase.type, benchCase.collapse, JSON.stringify(to)])],
        profileDirectory: PROFILE_DIRECTORY,
      });
    };

    const runs = new Map<string, CaseRuns>(cases.map((benchCase) => [benchCase.name, { pairs: [], counts: { fanout: [], baseline: [] } }]));
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        progress(`round ${round} of ${ROUNDS}: ${cases.length} cases…`);
        for (const benchCase of cases) {
          const caseRuns = runs.get(benchCase.name)!;
          const order: readonly Side[] = round % 2 === 1 ? ['fanout', 'baseline'] : ['baseline', 'fanout'];
          // warmed up one after the other: the first waits, idle, while the second warms up
          const started: Partial<Record<Side, Worker>> = {};
          for (const side of order) {
            started[side] = startCaseWorker(benchCase, side);
            await warm(started[side]);
          }
          const sideWorkers = started as Record<Side, Worker>;
          let fanoutCpuMs = 0;
          for (let pair = 0; pair < PAIRS_PER_ROUND.most && (pair < PAIRS_PER_ROUND.least || fanoutCpuMs < PAIRS_CPU_MS); pair++) {
            const invocations: Partial<Record<Side, Invocation>> = {};
            for (const side of pair % 2 === 0 ? order : order.toReversed()) {
              await counters.reset();
              invocations[side] = await sideWorkers[side].ask<Invocation>('invoke');
              caseRuns.counts[side].push(await counters.read());
            }
            caseRuns.pairs.push(invocations as Record<Side, Invocation>);
            fanoutCpuMs += invocations.fanout!.cpuMs;
          }
          for (const side of order) await finish(sideWorkers[side]);
        }
      }
    } finally {
      counters.close();
    }

    const memoryWorkload = fullEventWorkload(memorySource);
    const memoryRuns: MemoryRun[] = [];
    if (selected('memory')) progress('the 10-target case, limited as a 128 MB function…');
    for (let round = 1; selected('memory') && round <= Math.min(ROUNDS, 3); round++) {
      // the environment deploy gives a function (its allocator's settings), unless the bench is told others
      const functionEnv = { ...MALLOC_ENVIRONMENT, ...env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(FUNCTION_MEMORY_MB) };
      memoryRuns.push(await runLimited(functionEnv, eventFiles.of(memorySource, memoryWorkload), runtime.handlerFile, workers));
    }

    eventFiles.remove();
    if (selected('end-to-end')) progress('end to end through the local poller, in moto…');
    useEveryCore();
    const endToEnd = selected('end-to-end') ? await measureEndToEnd(testbed.endpoints.aws, TARGETS_TABLE) : [];
    const coldStarts = selected('cold') ? await measureColdStarts(workers, runtime.handlerFile, env) : undefined;

    const figures = [
      ...caseFigures(cases, runs),
      ...(memoryRuns.length > 0 ? memoryFigures(memoryRuns, memoryWorkload) : []),
      ...(coldStarts ? coldStartFigures(coldStarts) : []),
      ...endToEnd,
      ...bundleFigures(runtime.files.map((file) => join(runtime.handlerFile, '..', file)), runtime.zipFile),
    ];
    const results = figures.map((figure): Result => ({ what: `${figure.target}: ${figure.figure}`, measured: figure.measured, target: figure.goal, ok: figure.met }));
    printTable(results);
    if (!ONLY?.length && !BASELINE_VS_ITSELF) {
      writeResults(figures, { rounds: ROUNDS, records: TYPE_WORKLOAD.records });
      renderReadmeTable(figures);
    }
    progress(`done in ${seconds(since(started))}`);
    return figures.every((figure) => figure.met) ? 0 : 1;
  } finally {
    await fake.stop();
    await testbed.stop();
  }
}

/** Waits for a worker's warm-up: its first message says it is ready. */
async function warm(worker: Worker): Promise<void> {
  const said = await worker.next<unknown>();
  if (said !== READY) throw new Error(`a worker said ${JSON.stringify(said)} before it was ready`);
}

/** Ends a warm worker: its peak resident set, once it has exited. */
async function finish(worker: Worker): Promise<Finished> {
  const finished = await worker.ask<Finished>('finish');
  await worker.exited;
  return finished;
}

function caseFigures(cases: readonly BenchCase[], runs: ReadonlyMap<string, CaseRuns>): Figure[] {
  return cases.flatMap((benchCase): Figure[] => {
    const { pairs, counts } = runs.get(benchCase.name)!;
    const sideMedian = (side: Side, of: keyof Invocation) => median(pairs.map((pair) => pair[side][of]));
    const ratio = median(pairs.map((pair) => pair.fanout.cpuMs / pair.baseline.cpuMs));
    // the most any measured invocation sent
    const requests = Math.max(...counts.fanout.map(targetRequests));
    const minimum = Math.min(...counts.baseline.map(targetRequests));
    const wall = `${ms(sideMedian('fanout', 'wallMs'))} vs ${ms(sideMedian('baseline', 'wallMs'))}`;
    return [
      {
        figure: `CPU, ${BASELINE_VS_ITSELF ? 'baseline / baseline' : 'fanout / baseline'} (${count(TYPE_WORKLOAD.records)} records, median of ${pairs.length} pairs' ratios, ${ROUNDS} rounds)`,
        target: benchCase.name,
        measured: `${ratio.toFixed(2)} (medians ${ms(sideMedian('fanout', 'cpuMs'))} vs ${ms(sideMedian('baseline', 'cpuMs'))}; wall ${wall})`,
        goal: `≤ ${CPU_RATIO_GOAL}`,
        met: ratio <= CPU_RATIO_GOAL,
        value: ratio,
      },
      {
        figure: counts.baseline.some((invocation) => Object.keys(invocation).some((operation) => SERVER_TARGET_OPERATIONS.has(operation)))
          ? "commands to the target's server / the minimum"
          : 'requests to the target / the minimum',
        target: benchCase.name,
        measured: `${count(requests)} / ${count(minimum)} (besides: ${otherRequests(counts.fanout[0]!)})`,
        goal: '= the minimum',
        met: requests === minimum,
        value: requests,
      },
    ];
  });
}

/** One run of the memory case: its invocations and peak, or why it did not finish; what the cgroup saw. */
interface MemoryRun {
  invocations?: Invocation[];
  peakRssBytes?: number;
  failed?: string;
  cgroup?: CgroupOutcome | undefined;
  /** Why there was no cgroup to run in. */
  unavailable?: string | undefined;
}

/** The 10-target case in a memory cgroup of the function's memory, under the heap flags deploy sets. */
async function runLimited(env: NodeJS.ProcessEnv, eventFile: string, handlerFile: string, workers: Workers): Promise<MemoryRun> {
  const limit = memoryLimit(FUNCTION_MEMORY_BYTES);
  const limited = typeof limit === 'string' ? undefined : limit;
  const seen = () => ({ cgroup: limited?.outcome(), unavailable: typeof limit === 'string' ? limit : undefined });
  try {
    const worker = startWorker({
      file: workers.fanout,
      env,
      nodeOptions: FUNCTION_HEAP_FLAGS,
      args: [eventFile, handlerFile],
      ...(limited ? { wrap: limited.wrap } : {}),
    });
    await warm(worker);
    const invocations: Invocation[] = [];
    while (invocations.length < MEMORY_CASE_INVOCATIONS) invocations.push(await worker.ask<Invocation>('invoke'));
    const { peakRssBytes } = await finish(worker);
    return { invocations, peakRssBytes, ...seen() };
  } catch (error) {
    return { failed: (error as Error).message.split('\n')[0]!, ...seen() };
  } finally {
    limited?.remove();
  }
}

function memoryFigures(runs: readonly MemoryRun[], workload: Workload): Figure[] {
  const what = `${MEMORY_CASE_TYPES.length} targets, ${count(workload.records)} records of ${workload.dataBytes} bytes (a 6 MB event), under deploy's settings for 128 MB (${FUNCTION_HEAP_FLAGS.join(' ')}, ${Object.entries(MALLOC_ENVIRONMENT).map(([name, value]) => `${name}=${value}`).join(' ')})`;
  const finished = runs.flatMap((run) => (run.invocations ? [run] : []));
  const invocations = finished.flatMap((run) => run.invocations!);
  const peak = Math.max(...finished.map((run) => run.peakRssBytes!));
  const unavailable = runs.find((run) => run.unavailable)?.unavailable;
  const oomKilled = runs.some((run) => run.cgroup?.oomKilled);
  const cgroupPeak = Math.max(0, ...runs.map((run) => run.cgroup?.peakBytes ?? 0));
  const failure = runs.find((run) => run.failed)?.failed;
  return [
    {
      figure: `runs in a memory cgroup of 128 MiB (no swap), as Lambda holds a 128 MB function: ${what}`,
      target: MEMORY_CASE_TYPES.join(' '),
      measured: unavailable
        ? `not measured: ${unavailable}`
        : `${finished.length} of ${runs.length} runs finished${oomKilled ? ', killed for memory' : ''}${failure ? ` (${failure})` : ''}; the cgroup's peak ${mebibytes(cgroupPeak)}, page cache included`,
      goal: 'every run finishes, none killed for memory',
      met: !unavailable && !oomKilled && finished.length === runs.length,
      value: finished.length,
    },
    {
      figure: `peak RSS, ${what}`,
      target: MEMORY_CASE_TYPES.join(' '),
      measured:
        finished.length === 0
          ? 'no run finished'
          : `${mebibytes(peak)} (CPU ${ms(median(invocations.map((run) => run.cpuMs)))}, wall ${ms(median(invocations.map((run) => run.wallMs)))})`,
      goal: `≤ ${mebibytes(FUNCTION_MEMORY_BYTES)}`,
      met: finished.length > 0 && peak <= FUNCTION_MEMORY_BYTES,
      value: peak,
    },
  ];
}

async function measureColdStarts(workers: Workers, handlerFile: string, env: NodeJS.ProcessEnv): Promise<{ bundle: ColdStart[]; empty: ColdStart[] }> {
  progress('cold starts…');
  const bundle: ColdStart[] = [];
  const empty: ColdStart[] = [];
  const run = async (withBundle: boolean) => {
    const worker = startWorker({ file: workers.coldStart, env, args: withBundle ? [handlerFile] : [] });
    const coldStart = await worker.next<ColdStart>();
    await worker.exited;
    return coldStart;
  };
  for (let round = 1; round <= Math.max(ROUNDS, 5) * 2; round++) {
    bundle.push(await run(true));
    empty.push(await run(false));
  }
  return { bundle, empty };
}

function coldStartFigures({ bundle, empty }: { bundle: readonly ColdStart[]; empty: readonly ColdStart[] }): Figure[] {
  const extraCpu = median(bundle.map((run) => run.cpuMs)) - median(empty.map((run) => run.cpuMs));
  const loadedRss = median(bundle.map((run) => run.rssAfterLoad));
  const emptyRss = median(empty.map((run) => run.rssAfterLoad));
  return [
    {
      figure: `cold start: load + a first empty invocation, CPU over an empty Node process (median of ${bundle.length})`,
      target: 'the function',
      measured: ms(extraCpu),
      goal: `≤ ${ms(COLD_START_GOAL_MS)}`,
      met: extraCpu <= COLD_START_GOAL_MS,
      value: extraCpu,
    },
    {
      figure: 'RSS after loading the bundle',
      target: 'the function',
      measured: `${mebibytes(loadedRss)} (an empty Node process: ${mebibytes(emptyRss)})`,
      goal: `≤ ${mebibytes(LOADED_RSS_GOAL_BYTES)}`,
      met: loadedRss <= LOADED_RSS_GOAL_BYTES,
      value: loadedRss,
    },
  ];
}

function bundleFigures(files: readonly string[], zipFile: string): Figure[] {
  const sizes = files.map((file) => statSync(file).size);
  const entry = statSync(files.find((file) => file.endsWith('index.mjs'))!).size;
  return [
    {
      figure: 'bundle: the entry that loads at start, every chunk, the zip',
      target: 'the function',
      measured: `${mebibytes(entry)} entry; ${mebibytes(sizes.reduce((sum, size) => sum + size, 0))} in ${files.length} files; ${mebibytes(statSync(zipFile).size)} zipped`,
      goal: 'what cold start needs: the entry alone at start, each chunk when first used',
      met: true,
      value: entry,
    },
  ];
}

runBench(main);
