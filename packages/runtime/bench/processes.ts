import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REQUIRE_SHIM } from '../scripts/build.js';
import { BUNDLE_TARGET } from '../src/config/lambda-runtimes.js';

/** The workers, built as the function is (one ES module bundle each, minified), so that no TypeScript loader runs in them. */
export interface Workers {
  fanout: string;
  baseline: string;
  coldStart: string;
}

export async function buildWorkers(): Promise<Workers> {
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
    minify: true,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
  return { fanout: join(outdir, 'fanout.mjs'), baseline: join(outdir, 'baseline.mjs'), coldStart: join(outdir, 'cold-start.mjs') };
}

let results = 0;
const resultDirectory = mkdtempSync(join(tmpdir(), 'fanout-bench-results-'));

/** Runs a worker in a Node process of its own; returns what it wrote to its result file. */
export function runWorker<Figures>(options: { file: string; args: (resultFile: string) => string[]; env: NodeJS.ProcessEnv; nodeOptions?: string[] }): Promise<Figures> {
  const resultFile = join(resultDirectory, `${++results}.json`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...(options.nodeOptions ?? []), options.file, ...options.args(resultFile)],
      { env: options.env, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${options.file} failed: ${error.message}\n${stderr}\n${stdout.slice(-4_000)}`));
          return;
        }
        // the function's log and metric lines are its stdout; stderr is the worker's own (memory traces)
        if (stderr.trim()) process.stderr.write(stderr.slice(-4_000));
        resolve(JSON.parse(readFileSync(resultFile, 'utf8')) as Figures);
      },
    );
  });
}
