import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `fanout-console ARGS` as a process of its own, as a user runs it: its real stdout and stderr
 * (where --debug logs), exactly this environment, nothing pointed at the test bed unless the
 * arguments or `env` say so. Resolves when it exits, whatever its exit code.
 */
export function spawnConsole(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: packageDir, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A shell's environment with no AWS settings at all (no credentials, region, profile or endpoint; no ~/.aws files), plus `aws`. */
export function environmentWithout(aws: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { PATH, NODE_EXTRA_CA_CERTS } = process.env;
  return {
    PATH,
    HOME: emptyHome,
    AWS_CONFIG_FILE: join(emptyHome, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(emptyHome, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS } : {}),
    ...aws,
  };
}

const packageDir = resolve(import.meta.dirname, '../..');
const emptyHome = mkdtempSync(join(tmpdir(), 'fanout-console-home-'));
