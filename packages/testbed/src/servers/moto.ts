import { join } from 'node:path';
import { LOOPBACK, answersOk, freePort } from '../net.js';
import { MissingServerError, findExecutable, startServer } from '../process.js';
import type { StartContext, StartedServer } from './types.js';

/** moto's default account: requests signed with the static test keys land here. */
const PRIMARY_ACCOUNT = '123456789012';
/** Reached by assuming a role in it: moto ties assumed-role credentials to the role's account. */
const SECONDARY_ACCOUNT = '210987654321';
const REGIONS = ['us-east-1', 'eu-west-1'] as const;

export interface AwsEndpoints {
  /** The endpoint URL of every AWS API (moto in server mode). */
  endpoint: string;
  /** Two regions; the first is the default. */
  regions: readonly [string, string];
  /** Two accounts; the first is the one the static credentials belong to. */
  accounts: readonly [string, string];
  credentials: { accessKeyId: string; secretAccessKey: string };
  /**
   * Every request moto received, one JSON object a line (moto's recorder): how a test sees what
   * was sent to APIs that keep nothing to read back, such as Lambda's Invoke or IoT's Publish.
   */
  requestLog: string;
}

export async function startMoto(ctx: StartContext): Promise<StartedServer<AwsEndpoints>> {
  const command = process.env.FANOUT_MOTO_SERVER ?? join(ctx.cacheDir, 'venv', 'bin', 'moto_server');
  if (!findExecutable(command)) {
    throw new MissingServerError(
      `moto_server not found at ${command}: run scripts/setup (it creates that virtualenv with moto[server] from packages/testbed/requirements.txt)`,
    );
  }
  const port = await freePort();
  const endpoint = `http://${LOOPBACK}:${port}`;
  // with MOTO_ACCOUNT_ID set, moto puts every request in that account, assumed roles included
  const requestLog = join(ctx.runDir, 'moto-requests.jsonl');
  const env: NodeJS.ProcessEnv = { ...process.env, MOTO_ENABLE_RECORDING: 'true', MOTO_RECORDER_FILEPATH: requestLog };
  delete env.MOTO_ACCOUNT_ID;
  const server = await startServer({
    name: 'moto',
    command,
    args: ['-H', LOOPBACK, '-p', String(port)],
    env,
    logFile: join(ctx.runDir, 'moto.log'),
    isReady: () => answersOk(`${endpoint}/moto-api/config`),
    readyTimeoutMs: 30_000,
  });
  await configureMoto(endpoint).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return {
    endpoints: {
      endpoint,
      regions: REGIONS,
      accounts: [PRIMARY_ACCOUNT, SECONDARY_ACCOUNT],
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      requestLog,
    },
    pid: server.pid,
    stop: server.stop,
  };
}

/** Lambda and Batch must not try to start Docker containers: there is no Docker here. */
async function configureMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ batch: { use_docker: false }, lambda: { use_docker: false } }),
  });
  if (!response.ok) throw new Error(`moto refused its configuration: HTTP ${response.status} ${await response.text()}`);
}
