import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK, acceptsConnections, freePort } from '../net.js';
import { requireExecutable, startServer } from '../process.js';
import type { StartContext, StartedServer } from './types.js';

export interface RedisEndpoints {
  host: string;
  port: number;
  /** `redis://host:port`, the form a redis target's destination takes. */
  url: string;
}

export async function startRedis(ctx: StartContext): Promise<StartedServer<RedisEndpoints>> {
  const command = requireExecutable(
    'redis-server',
    'install it with `sudo apt-get install redis-server` (Debian/Ubuntu) or run scripts/setup',
  );
  const port = await freePort();
  const dir = join(ctx.runDir, 'redis');
  mkdirSync(dir);
  const server = await startServer({
    name: 'redis',
    command,
    args: ['--bind', LOOPBACK, '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'],
    logFile: join(ctx.runDir, 'redis.log'),
    isReady: () => acceptsConnections(port),
    readyTimeoutMs: 15_000,
  });
  return {
    endpoints: { host: LOOPBACK, port, url: `redis://${LOOPBACK}:${port}` },
    pid: server.pid,
    stop: server.stop,
  };
}
