import { Client } from 'memjs';
import { delivered, retryable, type CreateSender, type EntryOutcome } from '../types.js';
import type { MemcachedDestination } from './index.js';
import { lastWrite } from '../../delivery/encode.js';

/** How long memjs waits for a connection, and for a reply (measured from when the command is written). */
export const MEMCACHED_TIMEOUT_SECONDS = 2;

const failed = (error: unknown): EntryOutcome => retryable(error instanceof Error ? error.message : String(error));

function outcomeOf(command: Promise<boolean>): Promise<EntryOutcome> {
  return command.then(delivered, failed);
}

/** SET key data for PUT, INSERT and MODIFY; DELETE key for REMOVE; the commands of a batch all at once. */
export const createMemcachedSender: CreateSender<MemcachedDestination> = ({ destination, log }) => {
  const memcached = Client.create(destination.servers, {
    // memjs counts attempts here: one each, as the delivery layer retries, with backoff and within the invocation's time
    retries: 1,
    timeout: MEMCACHED_TIMEOUT_SECONDS,
    conntimeout: MEMCACHED_TIMEOUT_SECONDS,
    // memjs would write its failures to the console; they reach the log through the outcomes, with the record
    logger: { log: (message: unknown) => log.debug(`memjs: ${String(message)}`) },
  });

  return {
    send: (batch) =>
      Promise.all(
        batch.map((entry) => {
          const record = lastWrite(entry);
          // a DELETE of a missing key resolves false: the key is gone, as a REMOVE wants
          return outcomeOf(record.action === 'REMOVE' ? memcached.delete(record.key) : memcached.set(record.key, entry.body));
        }),
      ),
    close: async () => memcached.close(),
  };
};
