import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../net.js';

interface KinesaliteOptions {
  /** Milliseconds a stream stays CREATING (and DELETING, UPDATING): kinesalite's default is 500. */
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
}

// kinesalite is CommonJS without types: its one export makes the server
const kinesalite = createRequire(import.meta.url)('kinesalite') as (options?: KinesaliteOptions) => Server;

export interface Kinesalite {
  /** Where it answers the Kinesis API (and nothing else: other APIs are refused, as by any Kinesis-only emulator). */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * kinesalite, the Kinesis-only emulator from npm, in memory, in this process: a stream an event
 * forwarder read, for the standalone run's tests. A new one per call, empty.
 */
export async function startKinesalite(): Promise<Kinesalite> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
