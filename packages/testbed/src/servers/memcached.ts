import { join } from 'node:path';
import { LOOPBACK, acceptsConnections, freePort } from '../net.js';
import { requireExecutable, startServer, unprivilegedUser } from '../process.js';
import type { StartContext, StartedServer } from './types.js';

export interface MemcachedEndpoints {
  host: string;
  port: number;
  /** `host:port`, the form a memcached target's destination takes. */
  servers: string;
}

export async function startMemcached(ctx: StartContext): Promise<StartedServer<MemcachedEndpoints>> {
  const command = requireExecutable(
    'memcached',
    'install it with `sudo apt-get install memcached` (Debian/Ubuntu) or run scripts/setup',
  );
  const port = await freePort();
  const server = await startServer({
    name: 'memcached',
    command,
    args: ['-l', LOOPBACK, '-p', String(port), '-U', '0', '-m', '64'],
    logFile: join(ctx.runDir, 'memcached.log'),
    // memcached refuses to run as root
    user: unprivilegedUser(),
    isReady: () => acceptsConnections(port),
    readyTimeoutMs: 15_000,
  });
  return {
    endpoints: { host: LOOPBACK, port, servers: `${LOOPBACK}:${port}` },
    pid: server.pid,
    stop: server.stop,
  };
}
