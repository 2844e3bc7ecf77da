import { spawn } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A real server process owned by the test bed. */
export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  /** Stops the server and everything it started (its whole process group). */
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (servers that refuse to run as root). */
  user?: { uid: number; gid: number } | undefined;
  /** Resolves true once the server answers. */
  isReady: () => Promise<boolean>;
  readyTimeoutMs: number;
}

const READY_POLL_MS = 200;
const STOP_GRACE_MS = 10_000;

/**
 * Kills the server's process group once the test-bed process is gone, whatever
 * ended it (Ctrl-C, SIGKILL, a crash), and exits by itself once the server is gone.
 */
const WATCHDOG_SCRIPT = `
parent=$1; child=$2
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill -TERM "-$child" 2>/dev/null || exit 0
i=0
while kill -0 "-$child" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done
kill -KILL "-$child" 2>/dev/null
exit 0
`;

export class MissingServerError extends Error {
  override name = 'MissingServerError';
}

/** Finds an executable on PATH (or checks an absolute path); undefined when absent. */
export function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function requireExecutable(command: string, howToInstall: string): string {
  const found = findExecutable(command);
  if (!found) throw new MissingServerError(`${command} not found: ${howToInstall}`);
  return found;
}

/** The unprivileged account to run servers as when the test bed runs as root. */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const nobody = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'nobody');
  if (!nobody) throw new MissingServerError('running as root but no "nobody" user exists: create one with `useradd nobody`');
  return { uid: Number(nobody[2]), gid: Number(nobody[3]) };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a server in its own process group, guarded by a watchdog, and waits until it answers. */
export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const logFd = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    ...(spec.user ?? {}),
  });
  closeSync(logFd);

  let exitCode: number | string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal ?? 'unknown';
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const firstEvent = await Promise.race([
    spawnError,
    new Promise<undefined>((resolve) => child.once('spawn', () => resolve(undefined))),
  ]);
  if (firstEvent) throw new MissingServerError(`${spec.name}: cannot start ${spec.command}: ${firstEvent.message}`);
  const pid = child.pid!;
  child.unref();

  spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'fanout-testbed-watchdog', String(process.pid), String(pid)], {
    detached: true,
    stdio: 'ignore',
  }).unref();

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined) return;
    signalGroup(pid, 'SIGTERM');
    let grace: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), STOP_GRACE_MS)))]);
    // a server that stopped in time leaves no timer to hold the caller's process open
    clearTimeout(grace);
    if (!stopped) {
      signalGroup(pid, 'SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${spec.name} exited (${exitCode}) before it was ready; last lines of ${spec.logFile}:\n${tail(spec.logFile)}`);
    }
    if (await spec.isReady().catch(() => false)) return { name: spec.name, pid, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.name} did not answer within ${spec.readyTimeoutMs / 1000} s; last lines of ${spec.logFile}:\n${tail(spec.logFile)}`);
    }
    await sleep(READY_POLL_MS);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
