import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REQUIRE_SHIM, minifyOptions, type Minify } from '../scripts/build.js';
import { BUNDLE_TARGET } from '../src/config/lambda-runtimes.js';

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
    // counters.ts runs beside the two measured workers, which find it next to them
    entryPoints: ['fanout.ts', 'baseline.ts', 'cold-start.ts', 'counters.ts'],
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

let results = 0;
const resultDirectory = mkdtempSync(join(tmpdir(), 'fanout-bench-results-'));

/** Runs a worker in a Node process of its own; returns what it wrote to its result file. */
export function runWorker<Figures>(options: {
  file: string;
  args: (resultFile: string) => string[];
  env: NodeJS.ProcessEnv;
  nodeOptions?: string[];
  /** Runs the command otherwise, e.g. in a memory cgroup. */
  wrap?: (command: readonly string[]) => string[];
}): Promise<Figures> {
  const resultFile = join(resultDirectory, `${++results}.json`);
  return new Promise((resolve, reject) => {
    const node = [process.execPath, '--expose-gc', ...(options.nodeOptions ?? []), ...EXTRA_NODE_OPTIONS, options.file, ...options.args(resultFile)];
    const wrapped = options.wrap?.(node) ?? node;
    const [command, ...args] = coreSplit ? ['taskset', '-c', String(MEASURED_CORE), ...wrapped] : wrapped;
    execFile(
      command!,
      args,
      { env: options.env, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${options.file} failed: ${error.message}\n${stderr}\n${stdout.slice(-4_000)}`));
          return;
        }
        // the function's log and metric lines (and V8's traces) are its stdout, kept beside its figures; stderr is the worker's own (memory traces)
        writeFileSync(resultFile.replace(/\.json$/, '.log'), stdout);
        if (stderr.trim()) process.stderr.write(stderr.slice(-4_000));
        resolve(JSON.parse(readFileSync(resultFile, 'utf8')) as Figures);
      },
    );
  });
}
