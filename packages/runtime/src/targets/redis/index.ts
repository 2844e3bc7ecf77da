import { encodeLastWritePerKey } from '../../delivery/encode.js';
import { parseHostPort, redacted } from '../destinations.js';
import type { TargetType } from '../types.js';

/** Commands per pipeline, bytes per pipeline, and Redis's largest string value (512 MiB). */
export const REDIS_MAX_PIPELINE_COMMANDS = 1_000;
export const REDIS_MAX_PIPELINE_BYTES = 16_777_216;
export const REDIS_MAX_VALUE_BYTES = 536_870_912;

export interface RedisDestination {
  /** A `redis://` or `rediss://` URL. */
  url: string;
}

export const redisTarget: TargetType<RedisDestination, false> = {
  name: 'redis',
  destinationFormat: 'host:port, or a redis:// or rediss:// URL',
  parseDestination(raw) {
    if (/^rediss?:\/\//.test(raw)) {
      try {
        new URL(raw);
      } catch {
        throw new Error(`"${redacted(raw)}" is not a valid URL`);
      }
      return { url: raw };
    }
    const { host, port } = parseHostPort(raw);
    return { url: `redis://${host}:${port}` };
  },
  limits: { maxEntries: REDIS_MAX_PIPELINE_COMMANDS, maxBatchBytes: REDIS_MAX_PIPELINE_BYTES, maxEntryBytes: REDIS_MAX_VALUE_BYTES },
  collapsible: false,
  aws: false,
  encode: (records) => encodeLastWritePerKey(records),
  loadSender: async () => (await import('./sender.js')).createRedisSender,
};
