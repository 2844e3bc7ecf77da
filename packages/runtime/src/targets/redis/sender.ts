import { Redis } from 'ioredis';
import { delivered, retryable, type CreateSender } from '../types.js';
import type { RedisDestination } from './index.js';
import { lastWrite } from '../../delivery/encode.js';

/** A bound on a connection attempt, so that an unreachable Redis fails the batch quickly. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** A pipeline per batch: SET key data for PUT, INSERT and MODIFY; DEL key for REMOVE. */
export const createRedisSender: CreateSender<RedisDestination> = ({ destination }) => {
  const redis = new Redis(destination.url, {
    lazyConnect: true,
    // Commands fail at once while there is no connection, and the client does not reconnect by itself:
    // `send` connects when it needs to, so that the delivery layer's retries decide how long to keep trying.
    enableOfflineQueue: false,
    retryStrategy: null,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    // no commandTimeout: a timer a command; a send that outlives its time drops the connection instead (below)
  });
  // the reason a connection failed comes as an event; the promise of `connect` only says the connection closed
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => {
    connectionError = error;
  });

  let connecting: Promise<void> | undefined;
  const connected = (): Promise<void> => {
    if (redis.status === 'ready') return Promise.resolve();
    if (connecting) return connecting;
    connectionError = undefined;
    connecting = redis
      .connect()
      .catch((closed: Error) => {
        throw new Error(`cannot connect to Redis: ${(connectionError ?? closed).message}`);
      })
      .finally(() => {
        connecting = undefined;
      });
    return connecting;
  };

  return {
    async send(batch, signal) {
      // a hung connection (or connection attempt) is given up as the send is: its commands fail, and the next send connects again
      const giveUp = () => {
        connecting = undefined;
        redis.disconnect();
      };
      signal.addEventListener('abort', giveUp, { once: true });
      try {
        await connected();
        const pipeline = redis.pipeline();
        for (const entry of batch) {
          const record = lastWrite(entry);
          if (record.action === 'REMOVE') pipeline.del(record.key);
          else pipeline.set(record.key, entry.body);
        }
        const results = await pipeline.exec();
        if (!results) throw new Error('the pipeline was discarded');
        return results.map(([error]) => (error ? retryable(error.message) : delivered()));
      } catch (error) {
        // the connection closed because the send was given up: say why it was
        throw signal.aborted ? signal.reason : error;
      } finally {
        signal.removeEventListener('abort', giveUp);
      }
    },
    close: async () => redis.disconnect(),
  };
};
