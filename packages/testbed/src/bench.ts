/** What the packages' benchmarks share: results, timings and their report. */
/** One line of the bench's report: what was measured, against which target. */
export interface Result {
  what: string;
  measured: string;
  target: string;
  ok: boolean;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: since(start), value };
}

/** The value that `percent` % of the values do not exceed (nearest rank). */
export function percentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
export const seconds = (value: number): string => `${(value / 1000).toFixed(1)} s`;
export const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const count = (value: number): string => value.toLocaleString('en-US');

/** The heap in use once the garbage collector has run (the bench runs with --expose-gc). */
export function heapUsed(): number {
  if (!globalThis.gc) throw new Error('run the bench with node --expose-gc (pnpm bench does)');
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Progress, on stderr: the report is the table on stdout. */
export function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

export function printTable(results: readonly Result[]): void {
  const rows = [['what', 'measured', 'target', 'result'], ...results.map((result) => [result.what, result.measured, result.target, result.ok ? 'ok' : 'FAIL'])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  console.log(line(rows[0]!));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

/** Runs a bench's main: its exit code is the process's; an error is printed as one line of the bench's. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = 1;
    },
  );
}
