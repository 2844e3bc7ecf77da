import { describe, expect, it } from 'vitest';
import { HELP, run } from '../src/cli.js';

function runCaptured(argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out, err };
}

describe('fanout-console', () => {
  it('prints its help with --help and exits 0', () => {
    expect(runCaptured(['--help'])).toEqual({ code: 0, out: [HELP], err: [] });
  });

  it('rejects an unknown option with one line naming it, exit code 2', () => {
    const { code, out, err } = runCaptured(['--bogus']);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^fanout-console: .*'--bogus'.*; see fanout-console --help$/);
  });
});
