import type {} from '@fanout/testbed';
import { inject } from 'vitest';
import { run } from '../../src/cli.js';
import type { Terminal } from '../../src/context.js';

export const aws = inject('testbed').aws;

export interface ConsoleRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON (for --output json). */
  json<T = unknown>(): T;
}

/** A terminal as a test wants it: by default none at all (a script), nobody to answer, never interrupted. */
export function testTerminal(overrides: Partial<Terminal> = {}): Terminal {
  return {
    interactive: false,
    canDraw: false,
    ask: () => Promise.reject(new Error('no terminal')),
    interrupted: () => new Promise<void>(() => undefined),
    ...overrides,
  };
}

const noTerminal = testTerminal();

/**
 * Runs `fanout-console ARGS` in-process against the test bed's moto (or `endpoint`), as a script would
 * (no terminal), and captures what it prints and its exit code.
 */
export async function fanoutConsole(args: readonly string[], options: { region?: string; terminal?: Terminal; endpoint?: string } = {}): Promise<ConsoleRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(['--endpoint-url', options.endpoint ?? aws.endpoint, '--region', options.region ?? aws.regions[0], ...args], {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
  }, options.terminal ?? noTerminal);
  const stdout = out.join('\n');
  return { code, out: stdout, err: err.join('\n'), json: <T>() => JSON.parse(stdout) as T };
}
