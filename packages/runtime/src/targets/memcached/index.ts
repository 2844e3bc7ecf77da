import { encodeLastWritePerKey } from '../../delivery/encode.js';
import { parseHostPort } from '../destinations.js';
import type { TargetType } from '../types.js';

/** memcached's default item size limit is 1 MiB, item header and key included. */
export const MEMCACHED_MAX_ITEM_BYTES = 1_048_576 - 1_024;
/** Keys are at most 250 bytes, with no spaces or control characters. */
export const MEMCACHED_MAX_KEY_BYTES = 250;
/** Commands sent at once in one batch. */
export const MEMCACHED_MAX_BATCH_COMMANDS = 100;
export const MEMCACHED_MAX_BATCH_BYTES = 16_777_216;

export interface MemcachedDestination {
  /** `host:port[,host:port...]`, as memjs takes it. */
  servers: string;
}

/** What memcached's text protocol cannot carry in a key: white space and control characters. */
const NOT_IN_A_KEY = /[\s\p{Cc}]/u;

export const memcachedTarget: TargetType<MemcachedDestination, false> = {
  name: 'memcached',
  destinationFormat: 'host:port[,host:port...]',
  parseDestination(raw) {
    const servers = raw.split(',').map((server) => parseHostPort(server));
    return { servers: servers.map(({ host, port }) => `${host}:${port}`).join(',') };
  },
  limits: { maxEntries: MEMCACHED_MAX_BATCH_COMMANDS, maxBatchBytes: MEMCACHED_MAX_BATCH_BYTES, maxEntryBytes: MEMCACHED_MAX_ITEM_BYTES },
  collapsible: false,
  aws: false,
  encode: (records) =>
    encodeLastWritePerKey(records, (key) => {
      if (Buffer.byteLength(key) > MEMCACHED_MAX_KEY_BYTES || NOT_IN_A_KEY.test(key)) {
        throw new Error(`its key is not a memcached key (at most ${MEMCACHED_MAX_KEY_BYTES} bytes, no spaces or control characters)`);
      }
    }),
  loadSender: async () => (await import('./sender.js')).createMemcachedSender,
};
