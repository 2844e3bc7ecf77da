import { Redis } from 'ioredis';
import memjs from 'memjs';
import { fakeAwsControl } from '@fanout/testbed/fake-aws-client';
import type { InvocationFigures } from './invocation.js';

/**
 * What the targets were sent, counted where they received it, zeroed or read as one:
 * `counters reset|read FAKE_ENDPOINT [REDIS_URL] [MEMCACHED_SERVERS]`, printing the counts (read) as
 * JSON by operation. The fake AWS endpoint counts the AWS APIs and HTTP; Redis counts its commands
 * (INFO commandstats, as `redis.set`...) and memcached its own (`stats`, as `memcached.set`...).
 * A process of its own: the worker that runs it keeps its code as the measured invocations left it.
 */
type Counts = InvocationFigures['requests'];

const [action, fakeEndpoint, redisUrl, memcachedServers] = process.argv.slice(2);
if ((action !== 'reset' && action !== 'read') || !fakeEndpoint) throw new Error('usage: counters reset|read FAKE_ENDPOINT [REDIS_URL] [MEMCACHED_SERVERS]');

/** The commands counted of a server: the ones a target sends (the counting's own are not). */
const MEMCACHED_COMMANDS: Record<string, (stats: Record<string, string>) => number> = {
  'memcached.set': (stats) => Number(stats.cmd_set ?? 0),
  'memcached.delete': (stats) => Number(stats.delete_hits ?? 0) + Number(stats.delete_misses ?? 0),
  'memcached.get': (stats) => Number(stats.cmd_get ?? 0),
};
/** `CONFIG RESETSTAT` is counted once it has run (as `config|resetstat` since Redis 7): the reset's own command. */
const REDIS_RESET_COMMAND = /^config\b/;

const commands = (calls: number) => ({ requests: calls, entries: calls, bytes: 0 });

async function redisCounts(reset: boolean): Promise<Counts> {
  if (!redisUrl) return {};
  // no ready check, no RESP3 HELLO, no CLIENT SETINFO: they would be this connection's own commands among the counts
  const redis = new Redis(redisUrl, { protocol: 2, enableReadyCheck: false, disableClientInfo: true, maxRetriesPerRequest: 1 });
  try {
    if (reset) {
      await redis.config('RESETSTAT');
      return {};
    }
    const info = await redis.info('commandstats');
    const counts: Counts = {};
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!REDIS_RESET_COMMAND.test(name!)) counts[`redis.${name}`] = commands(Number(calls));
    }
    return counts;
  } finally {
    redis.disconnect();
  }
}

async function memcachedCounts(reset: boolean): Promise<Counts> {
  if (!memcachedServers) return {};
  const memcached = memjs.Client.create(memcachedServers, { retries: 1 });
  try {
    // memjs answers once per server
    const answers = await new Promise<Array<Record<string, string>>>((resolve, reject) => {
      const answered: Array<Record<string, string>> = [];
      const done = (error: Error | null, _server: string, result: Record<string, string> | null) => {
        if (error) return reject(error);
        answered.push(result ?? {});
        if (answered.length === memcached.servers.length) resolve(answered);
      };
      if (reset) memcached.resetStats(done);
      else memcached.stats(done);
    });
    if (reset) return {};
    const counts: Counts = {};
    for (const [operation, count] of Object.entries(MEMCACHED_COMMANDS)) {
      const calls = answers.reduce((sum, stats) => sum + count(stats), 0);
      if (calls > 0) counts[operation] = commands(calls);
    }
    return counts;
  } finally {
    memcached.close();
  }
}

const reset = action === 'reset';
const fake = fakeAwsControl(fakeEndpoint);
const [aws, redis, memcached] = await Promise.all([
  reset ? fake.reset().then(() => ({})) : fake.counters(),
  redisCounts(reset),
  memcachedCounts(reset),
]);
process.stdout.write(JSON.stringify(reset ? {} : { ...aws, ...redis, ...memcached }));
