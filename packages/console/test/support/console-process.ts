import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const packageDir = resolve(import.meta.dirname, '..', '..');

export interface ConsoleProcess {
  stdout(): string;
  stderr(): string;
  /** Its exit code; null when a signal ended it. */
  exited: Promise<number | null>;
  child: ReturnType<typeof spawn>;
}

/** The console as a process of its own, with its real stderr (where --debug logs) and this environment. */
export function consoleProcess(args: string[], env: NodeJS.ProcessEnv = process.env): ConsoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exited, child };
}
