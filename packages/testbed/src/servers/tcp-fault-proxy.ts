import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { LOOPBACK } from '../net.js';
import type { SlowAnswer } from './fault-proxy.js';
import { checkRates, pick, randomSeed, seededRandom } from './fault-proxy/random.js';

/**
 * A TCP proxy a test puts in front of redis (or any TCP server) that, at chosen rates, drops the
 * connection or answers late, per chunk the client sends (a command, or a pipeline of them). It
 * reads no protocol: every chunk can be faulted, so a test connects (and lets its client's ready
 * check through) before it sets rates above 0.
 */

export const TCP_FAULT_KINDS = ['slow', 'dropBeforeForward', 'dropAfterForward'] as const;

/**
 * - `slow`: forwarded, its answer (and whatever the upstream sends after it) held back `slow.delayMs`;
 *   with `slow.then: 'hang'`, this chunk and every later one on the connection are neither forwarded nor answered.
 * - `dropBeforeForward`: the connection is reset and the chunk not forwarded: nothing written.
 * - `dropAfterForward`: forwarded, then the connection reset as the upstream starts to answer: written, the client sees a reset.
 */
export type TcpFaultKind = (typeof TCP_FAULT_KINDS)[number];

export interface TcpFaultPlan {
  rates: Partial<Record<TcpFaultKind, number>>;
  /** Required when `rates.slow` is above 0. */
  slow?: SlowAnswer;
}

export interface TcpFaultProxyOptions {
  /** The server behind the proxy: the test bed's `redis` endpoints, say. Its URL's scheme is kept in the proxy's. */
  upstream: { host: string; port: number; url?: string };
  seed?: number;
  faults?: TcpFaultPlan;
}

export interface TcpFaultCounters {
  /** Client connections accepted. */
  connections: number;
  /** Chunks the clients sent. */
  chunks: number;
  /** Chunks forwarded to the upstream. */
  forwarded: number;
  faults: Record<TcpFaultKind, number>;
}

export interface TcpFaultProxy {
  readonly host: string;
  readonly port: number;
  /** The upstream's URL with the proxy's address, e.g. `redis://127.0.0.1:40123`. */
  readonly url: string;
  readonly seed: number;
  setFaults(faults: TcpFaultPlan): void;
  counters(): TcpFaultCounters;
  resetCounters(): void;
  stop(): Promise<void>;
}

export async function startTcpFaultProxy(options: TcpFaultProxyOptions): Promise<TcpFaultProxy> {
  const seed = options.seed ?? randomSeed();
  const random = seededRandom(seed);
  let plan = checkedPlan(options.faults ?? { rates: {} });
  let counters = zeroCounters();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((client) => {
    counters.connections++;
    const upstream = createConnection({ host: options.upstream.host, port: options.upstream.port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    const reset = () => {
      client.resetAndDestroy();
      upstream.destroy();
    };

    let hung = false;
    let resetOnAnswer = false;
    let heldUntil = 0;
    const held: Buffer[] = [];
    const flushWhenDue = () => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (Date.now() < heldUntil) return flushWhenDue();
        for (const data of held.splice(0)) client.write(data);
      }, Math.max(0, heldUntil - Date.now()));
      timers.add(timer);
    };

    client.on('data', (chunk: Buffer) => {
      if (hung) return;
      counters.chunks++;
      const fault = pick(TCP_FAULT_KINDS, plan.rates, random);
      if (fault) counters.faults[fault]++;
      if (fault === 'dropBeforeForward') return reset();
      if (fault === 'slow' && plan.slow!.then === 'hang') {
        hung = true;
        return;
      }
      if (fault === 'slow') heldUntil = Math.max(heldUntil, Date.now() + plan.slow!.delayMs);
      if (fault === 'dropAfterForward') resetOnAnswer = true;
      upstream.write(chunk);
      counters.forwarded++;
    });
    upstream.on('data', (data: Buffer) => {
      if (resetOnAnswer) return reset();
      if (held.length === 0 && Date.now() >= heldUntil) {
        client.write(data);
        return;
      }
      if (held.push(data) === 1) flushWhenDue();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  const scheme = options.upstream.url ? new URL(options.upstream.url).protocol : 'tcp:';

  return {
    host: LOOPBACK,
    port,
    url: `${scheme}//${LOOPBACK}:${port}`,
    seed,
    setFaults: (faults) => {
      plan = checkedPlan(faults);
    },
    counters: () => ({ ...counters, faults: { ...counters.faults } }),
    resetCounters: () => {
      counters = zeroCounters();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function checkedPlan(plan: TcpFaultPlan): TcpFaultPlan {
  checkRates(plan.rates, 'TCP fault plan');
  if ((plan.rates.slow ?? 0) > 0 && !plan.slow) throw new Error('TCP fault plan: rates.slow needs slow: { delayMs, then }');
  return plan;
}

function zeroCounters(): TcpFaultCounters {
  return { connections: 0, chunks: 0, forwarded: 0, faults: { slow: 0, dropBeforeForward: 0, dropAfterForward: 0 } };
}
