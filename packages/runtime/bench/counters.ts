import { Redis } from 'ioredis';
import memjs from 'memjs';
import { fakeAwsControl } from '@fanout/testbed/fake-aws-client';

/** What one invocation sent, counted where it was received, by operation (`sqs.SendMessageBatch`, `redis.set`...). */
export type Counts = Record<string, { requests: number; entries: number; bytes: number }>;

/**
 * What the targets were sent, counted where they received it, zeroed or read as one, by the
 * bench's own process (never a measured one, whose code a request of another shape would
 * deoptimise). The fake AWS endpoint counts the AWS APIs and HTTP; Redis counts its commands
 * (INFO commandstats, as `redis.set`...) and memcached its own (`stats`, as `memcached.set`...).
 */
export interface TargetCounters {
  reset(): Promise<void>;
  read(): Promise<Counts>;
  close(): void;
}

/** The commands counted of a server: the ones a target sends (the counting's own are not). */
const MEMCACHED_COMMANDS: Record<string, (stats: Record<string, string>) => number> = {
  'memcached.set': (stats) => Number(stats.cmd_set ?? 0),
  'memcached.delete': (stats) => Number(stats.delete_hits ?? 0) + Number(stats.delete_misses ?? 0),
  'memcached.get': (stats) => Number(stats.cmd_get ?? 0),
};
/** The counting connection's own commands, counted once they have run: `CONFIG RESETSTAT` (as `config|resetstat` since Redis 7) and `INFO`. */
const REDIS_COUNTING_COMMANDS = /^(config|info)\b/;

const commands = (calls: number) => ({ requests: calls, entries: calls, bytes: 0 });

export function targetCounters(fakeEndpoint: string, redisUrl: string, memcachedServers: string): TargetCounters {
  const fake = fakeAwsControl(fakeEndpoint);
  // no ready check, no RESP3 HELLO, no CLIENT SETINFO: they would be this connection's own commands among the counts
  const redis = new Redis(redisUrl, { protocol: 2, enableReadyCheck: false, disableClientInfo: true, maxRetriesPerRequest: 1 });
  const memcached = memjs.Client.create(memcachedServers, { retries: 1 });

  /** memjs answers a stats command once per server. */
  const memcachedStats = (reset: boolean) =>
    new Promise<Array<Record<string, string>>>((resolve, reject) => {
      const answered: Array<Record<string, string>> = [];
      const done = (error: Error | null, _server: string, result: Record<string, string> | null) => {
        if (error) return reject(error);
        answered.push(result ?? {});
        if (answered.length === memcached.servers.length) resolve(answered);
      };
      if (reset) memcached.resetStats(done);
      else memcached.stats(done);
    });

  const redisCounts = async (): Promise<Counts> => {
    const info = await redis.info('commandstats');
    const counts: Counts = {};
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!REDIS_COUNTING_COMMANDS.test(name!)) counts[`redis.${name}`] = commands(Number(calls));
    }
    return counts;
  };

  const memcachedCounts = async (): Promise<Counts> => {
    const answers = await memcachedStats(false);
    const counts: Counts = {};
    for (const [operation, count] of Object.entries(MEMCACHED_COMMANDS)) {
      const calls = answers.reduce((sum, stats) => sum + count(stats), 0);
      if (calls > 0) counts[operation] = commands(calls);
    }
    return counts;
  };

  return {
    async reset() {
      await Promise.all([fake.reset(), redis.config('RESETSTAT'), memcachedStats(true)]);
    },
    async read() {
      const [aws, redisCommands, memcachedCommands] = await Promise.all([fake.counters(), redisCounts(), memcachedCounts()]);
      return { ...aws, ...redisCommands, ...memcachedCommands };
    },
    close() {
      redis.disconnect();
      memcached.close();
    },
  };
}
