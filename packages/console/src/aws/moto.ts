import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { delimiter, join } from 'node:path';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CERTIFICATE_FAILURE, UsageError } from '../errors.js';
import type { AwsSession } from './session.js';

/** Where `--local` looks for AWS unless --endpoint-url or AWS_ENDPOINT_URL says: moto_server's own default. */
export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:5000';
/** How long a moto that was just started may take to answer. */
const MOTO_START_TIMEOUT_MS = 30_000;

export interface StartedMoto {
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** The session whose region's functions must stay where they are. */
  session: AwsSession;
  /** Where the endpoint was named: messages about it name the same. */
  from?: EndpointSource | undefined;
  /** false (--no-verify-ssl): an HTTPS endpoint's certificate is not verified. */
  verifySsl?: boolean | undefined;
}

/** Where the endpoint was named. */
export type EndpointSource = '--endpoint-url' | 'AWS_ENDPOINT_URL';

/** Errors that say nothing listens there (as opposed to something answering in a way moto does not). */
const NOTHING_THERE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

/** One request to moto's own API, GET or POST with a JSON body: its status and body. */
function motoApi(endpoint: URL, path: string, verifySsl: boolean, body?: unknown): Promise<{ status: number; text: string }> {
  const url = new URL(path, endpoint);
  const options = {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    timeout: 2_000,
  };
  return new Promise((resolve, reject) => {
    const answered = (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    };
    const request = url.protocol === 'https:' ? httpsRequest(url, { ...options, rejectUnauthorized: verifySsl }, answered) : httpRequest(url, options, answered);
    request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer from ${url.origin}`), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** What answers at the endpoint: moto (with whether its Lambda runs functions in Docker), something else, or nothing. */
type Found = { moto: true; lambdaUsesDocker: boolean } | 'other' | 'nothing';

/**
 * moto is told by its own API: GET /moto-api/config gives its settings as JSON (`{"batch": …,
 * "lambda": …}`), cheaply. Anything may answer HTTP on a port (on macOS, AirPlay listens on
 * moto's default 5000).
 */
async function probe(endpoint: URL, verifySsl: boolean): Promise<Found> {
  try {
    const { status, text } = await motoApi(endpoint, '/moto-api/config', verifySsl);
    const settings = JSON.parse(text) as { lambda?: { use_docker?: unknown } } | null;
    if (status < 200 || status >= 300 || typeof settings !== 'object' || settings === null || !('lambda' in settings)) return 'other';
    return { moto: true, lambdaUsesDocker: settings.lambda?.use_docker !== false };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (NOTHING_THERE.has(code)) return 'nothing';
    if (CERTIFICATE_FAILURE.test(code)) {
      throw new UsageError(`--no-verify-ssl: the TLS certificate at ${endpoint.origin} cannot be verified (${(error as Error).message}); pass --no-verify-ssl if it is your local AWS`);
    }
    return 'other';
  }
}

/**
 * moto runs a function in Docker when it can (Lambda's `use_docker`, on by default), and may then
 * invoke it for records of a stream hooked to it: local mode runs the function's code here, so
 * moto must not deliver them a second time. But moto keeps the functions of each setting in a
 * backend of their own, and switching shows the other, empty one: a deployment made before would
 * vanish (with its mappings). So it is switched only while no function exists in the region.
 * The setting is moto's own, for as long as it runs.
 */
async function withoutDocker(endpoint: URL, found: Found, { session, verifySsl = true }: MotoOptions): Promise<void> {
  if (typeof found !== 'object' || !found.lambdaUsesDocker) return;
  const { Functions } = await session.client(LambdaClient).send(new ListFunctionsCommand({ MaxItems: 1 }));
  if (Functions?.length) return;
  const { status } = await motoApi(endpoint, '/moto-api/config', verifySsl, { lambda: { use_docker: false } });
  if (status < 200 || status >= 300) throw new UsageError(`--local: the moto at ${endpoint.origin} refused to run functions without Docker (HTTP ${status}); update moto`);
}

/** When the endpoint is a moto, keeps it from running the function too where that loses nothing: for `local`, which runs it here. */
export async function keepMotoFromRunningFunctions(endpoint: URL, options: MotoOptions): Promise<void> {
  await withoutDocker(endpoint, await probe(endpoint, options.verifySsl ?? true), options);
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
 * A moto answering at the endpoint, running functions without Docker: the one already running
 * there, else one started now from `moto_server` on the PATH (on a loopback endpoint only),
 * stopped by the caller when done. Something else answering there is refused.
 */
export async function ensureMoto(endpoint: URL, options: MotoOptions): Promise<StartedMoto | undefined> {
  const { from = '--endpoint-url', verifySsl = true } = options;
  const viaEnvironment = from === 'AWS_ENDPOINT_URL';
  const found = await probe(endpoint, verifySsl);
  if (found === 'other') {
    throw new UsageError(`--local: something other than moto answers at ${endpoint.origin}; stop it, or ${viaEnvironment ? 'point AWS_ENDPOINT_URL at a moto' : 'pass --endpoint-url'}`);
  }
  if (typeof found === 'object') {
    await withoutDocker(endpoint, found, options);
    return undefined;
  }
  if (!LOOPBACK.has(endpoint.hostname)) {
    throw new UsageError(`${from}: nothing answers at ${endpoint.origin}; start your local AWS there, or ${viaEnvironment ? 'unset AWS_ENDPOINT_URL' : 'leave --endpoint-url out'}`);
  }
  if (endpoint.protocol !== 'http:') {
    throw new UsageError(`${from}: nothing answers at ${endpoint.origin}, and moto_server is started over http only; use http://${endpoint.host}, or start your moto there`);
  }
  const server = onPath('moto_server');
  if (!server) {
    throw new UsageError(
      `--local: nothing answers at ${endpoint.origin} and moto_server is not on the PATH; pip install 'moto[server]', or start a moto and ${viaEnvironment ? 'point AWS_ENDPOINT_URL at it' : 'pass --endpoint-url'}`,
    );
  }
  const child = spawn(server, ['-H', endpoint.hostname.replace(/^\[|\]$/g, ''), '-p', endpoint.port || '80'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  let started: Found;
  while (typeof (started = await probe(endpoint, verifySsl)) !== 'object') {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new UsageError(`--local: moto_server did not start at ${endpoint.origin}; is the port taken? ${viaEnvironment ? 'Point AWS_ENDPOINT_URL at another' : 'Pass another with --endpoint-url'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // a moto started here ends with this process, however it ends
  const killMoto = () => child.kill('SIGTERM');
  const exitOn = { SIGHUP: 129, SIGTERM: 143 } as const;
  const onSignal = (signal: keyof typeof exitOn) => process.exit(exitOn[signal]);
  process.once('exit', killMoto);
  for (const signal of Object.keys(exitOn) as Array<keyof typeof exitOn>) process.once(signal, onSignal);
  const stop = async () => {
    process.off('exit', killMoto);
    for (const signal of Object.keys(exitOn) as Array<keyof typeof exitOn>) process.off(signal, onSignal);
    killMoto();
    await exited;
  };
  await withoutDocker(endpoint, started, options).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { stop };
}
