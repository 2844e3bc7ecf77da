import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UsageError } from '../errors.js';

/** Where `--local` looks for AWS unless --endpoint-url or AWS_ENDPOINT_URL says: moto_server's own default. */
export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:5000';
/** How long a moto that was just started may take to answer. */
const MOTO_START_TIMEOUT_MS = 30_000;

export interface StartedMoto {
  stop(): Promise<void>;
}

/** Whether anything answers HTTP at the endpoint (moto answers every path). */
async function answers(endpoint: URL): Promise<boolean> {
  try {
    await fetch(new URL('/moto-api/', endpoint), { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A moto answering at the endpoint: the one already running there, else one started now from
 * `moto_server` on the PATH (on a loopback endpoint only), stopped by the caller when done.
 */
export async function ensureMoto(endpoint: URL): Promise<StartedMoto | undefined> {
  if (await answers(endpoint)) return undefined;
  if (!LOOPBACK.has(endpoint.hostname)) throw new UsageError(`--endpoint-url: nothing answers at ${endpoint.origin}; start your local AWS there, or leave --endpoint-url out`);
  const server = onPath('moto_server');
  if (!server) {
    throw new UsageError(`--local: nothing answers at ${endpoint.origin} and moto_server is not on the PATH; pip install 'moto[server]', or start a moto and pass --endpoint-url`);
  }
  const port = endpoint.port || (endpoint.protocol === 'https:' ? '443' : '80');
  const child = spawn(server, ['-H', endpoint.hostname.replace(/^\[|\]$/g, ''), '-p', port], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  while (!(await answers(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new UsageError(`--local: moto_server did not start at ${endpoint.origin}; is the port taken? Pass another with --endpoint-url`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // a moto started here ends with this process, however it ends
  const killMoto = () => child.kill('SIGTERM');
  const exitOn = { SIGHUP: 129, SIGTERM: 143 } as const;
  const onSignal = (signal: keyof typeof exitOn) => process.exit(exitOn[signal]);
  process.once('exit', killMoto);
  for (const signal of Object.keys(exitOn) as Array<keyof typeof exitOn>) process.once(signal, onSignal);
  return {
    stop: async () => {
      process.off('exit', killMoto);
      for (const signal of Object.keys(exitOn) as Array<keyof typeof exitOn>) process.off(signal, onSignal);
      killMoto();
      await exited;
    },
  };
}
