import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpSink, type HttpSinkEndpoints } from './servers/http-sink.js';
import { startMemcached, type MemcachedEndpoints } from './servers/memcached.js';
import { startMoto, type AwsEndpoints } from './servers/moto.js';
import { startOpenSearch, type OpenSearchEndpoints } from './servers/opensearch.js';
import { startRedis, type RedisEndpoints } from './servers/redis.js';
import type { StartContext, StartedServer } from './servers/types.js';

export interface TestbedEndpoints {
  aws: AwsEndpoints;
  redis: RedisEndpoints;
  memcached: MemcachedEndpoints;
  opensearch: OpenSearchEndpoints;
  http: HttpSinkEndpoints;
}

export type ServerName = keyof TestbedEndpoints;

declare module 'vitest' {
  /** What the test bed gives every test: `inject('testbed')`. */
  export interface ProvidedContext {
    testbed: TestbedEndpoints;
  }
}

const STARTERS: { [N in ServerName]: (ctx: StartContext) => Promise<StartedServer<TestbedEndpoints[N]>> } = {
  aws: startMoto,
  redis: startRedis,
  memcached: startMemcached,
  opensearch: startOpenSearch,
  http: startHttpSink,
};

export const SERVER_NAMES = Object.keys(STARTERS) as ServerName[];

export interface Testbed<N extends ServerName = ServerName> {
  endpoints: Pick<TestbedEndpoints, N>;
  /** Process ids of the servers that run as processes of their own. */
  pids: Partial<Record<N, number>>;
  /** This run's data and logs; removed by stop(). */
  runDir: string;
  stop(): Promise<void>;
}

/** The repository root: the folder with pnpm-workspace.yaml above this package. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('pnpm-workspace.yaml not found above the test bed');
    dir = parent;
  }
  return dir;
}

export function cacheDirectory(): string {
  return resolve(process.env.FANOUT_CACHE_DIR ?? join(repositoryRoot(), '.cache'));
}

/**
 * Starts the servers (all of them unless `only` names some) on free loopback ports, concurrently.
 * If any cannot start, the others are stopped and the error names each failure and its fix.
 */
export async function startTestbed<N extends ServerName = ServerName>(
  only: readonly N[] = SERVER_NAMES as N[],
): Promise<Testbed<N>> {
  const runDir = mkdtempSync(join(tmpdir(), 'fanout-testbed-'));
  // servers that run unprivileged (when the test bed runs as root) need to reach their folders
  chmodSync(runDir, 0o755);
  const ctx: StartContext = { runDir, cacheDir: cacheDirectory() };
  const results = await Promise.allSettled(only.map((name) => STARTERS[name](ctx)));

  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((server) => server.stop()));
    rmSync(runDir, { recursive: true, force: true });
  };

  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [`- ${only[index]}: ${errorMessage(result.reason)}`] : [],
  );
  if (failures.length > 0) {
    await stop();
    throw new Error(`the test bed could not start:\n${failures.join('\n')}`);
  }

  const endpoints = {} as Record<N, unknown>;
  const pids: Partial<Record<N, number>> = {};
  only.forEach((name, index) => {
    const server = started[index]!;
    endpoints[name] = server.endpoints;
    if (server.pid !== undefined) pids[name] = server.pid;
  });
  return { endpoints: endpoints as Pick<TestbedEndpoints, N>, pids, runDir, stop };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
