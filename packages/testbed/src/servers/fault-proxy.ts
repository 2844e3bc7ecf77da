import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../net.js';
import { TARGET_APIS, TARGET_OPERATIONS, isTargetOperation, type ApiError, type TargetOperation } from './fault-proxy/apis.js';
import { errorAnswer, type Answer } from './fault-proxy/answers.js';
import { BATCH_FORMATS, type BatchRequest } from './fault-proxy/batches.js';
import { Tally, type Counters, type OperationCounters } from './fault-proxy/counters.js';
import { operationOf } from './fault-proxy/operations.js';
import { checkRates, pick, randomSeed, seededRandom, type Random } from './fault-proxy/random.js';
import { abortableSleep, headersWithout, readAll, HOP_BY_HOP } from './fault-proxy/streams.js';

/**
 * A proxy a test puts in front of an HTTP upstream (moto, the HTTP sink, OpenSearch) that injects
 * faults, at chosen rates, into the target operations the test names, and passes every other
 * request (the source's reads, DynamoDB, STS, CloudWatch...) untouched. It runs in the test's
 * process; the test changes its faults and reads its counters directly.
 */

/** Checked in this order against one draw per request: a request gets one fault at most. */
export const FAULT_KINDS = ['error500', 'error503', 'throttle', 'partial', 'slow', 'dropBeforeForward', 'dropAfterForward'] as const;

/**
 * - `error500`, `error503`: that status, as the API's protocol words an internal error / unavailability; not forwarded.
 * - `throttle`: the API's own throttling error (`throttleCode`, else its first); not forwarded.
 * - `partial` (batch operations): some entries fail as the API reports a failed entry; those are not
 *   forwarded (unless `failedEntriesWritten`), the others are, and the answers are merged.
 * - `slow`: forwarded, answered after `slow.delayMs`; or, with `slow.then: 'hang'`, neither forwarded nor ever answered.
 * - `dropBeforeForward`: the connection is reset before anything is forwarded: nothing written.
 * - `dropAfterForward`: forwarded, the upstream's answer awaited, then the connection reset: written,
 *   but the client sees an error (the ambiguous case, that makes duplicates when the client sends again).
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Per request, the probability of each fault; they sum to 1 at most. Absent is 0. */
export type FaultRates = Partial<Record<FaultKind, number>>;

export interface SlowAnswer {
  delayMs: number;
  /** `answer` (forwarded, answered late) or `hang` (not forwarded, not answered until the client gives up). */
  then: 'answer' | 'hang';
}

export interface FaultPlan {
  /** The operations these rates apply to; the proxy faults no other. */
  operations: readonly TargetOperation[];
  rates: FaultRates;
  /** Which of the API's throttling errors `throttle` answers (e.g. `ThrottlingException`); default the API's first. */
  throttleCode?: string;
  /** In a partial failure, the probability that each entry fails (default 0.5); at least one always does. */
  entryFailureRate?: number;
  /** The entries a partial failure reports failed are forwarded all the same: written, though the client is told they failed. */
  failedEntriesWritten?: boolean;
  /** Required when `rates.slow` is above 0. */
  slow?: SlowAnswer;
}

export interface FaultProxyOptions {
  /** The server behind the proxy, e.g. `aws.endpoint` or the HTTP sink's endpoint. */
  upstream: string;
  /** Seeds the draws: the same seed and the same requests in the same order give the same faults. Default: a random seed. */
  seed?: number;
  faults?: FaultPlan | readonly FaultPlan[];
}

export type FaultCounters = Counters<FaultKind>;
export type FaultOperationCounters = OperationCounters<FaultKind>;

export interface FaultProxy {
  /** Where clients send their requests instead of the upstream, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** The seed of the draws (the one given, or the one picked). */
  readonly seed: number;
  /** Replaces every plan; `setFaults([])` (or rates of 0) passes everything again. */
  setFaults(faults: FaultPlan | readonly FaultPlan[]): void;
  counters(): FaultCounters;
  counters(operation: string): FaultOperationCounters;
  resetCounters(): void;
  /** What the proxy could not do as asked (a batch it could not read, an upstream it could not reach). */
  readonly problems: readonly string[];
  stop(): Promise<void>;
}

const DEFAULT_ENTRY_FAILURE_RATE = 0.5;

/** Headers an answer the proxy rewrites must not keep from the upstream's. */
const REWRITTEN_ANSWER_HEADERS: readonly string[] = ['content-length', 'content-encoding', 'content-md5', 'x-amz-crc32'];

interface ActivePlan extends FaultPlan {
  throttle: ApiError;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy: the upstream must be an http:// URL, not ${options.upstream}`);
  const seed = options.seed ?? randomSeed();
  const random = seededRandom(seed);
  const tally = new Tally(FAULT_KINDS);
  const problems: string[] = [];
  const stopping = new AbortController();
  const agent = new Agent({ keepAlive: true });
  let plans = compilePlans(options.faults ?? []);

  const forward = (request: IncomingMessage, body: Buffer, rewriting: boolean): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const dropped = ['content-length', 'expect', ...(rewriting ? ['accept-encoding'] : [])];
      const headers = [...headersWithout(request.rawHeaders, dropped), 'Content-Length', String(body.length)];
      const upstreamRequest = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent },
        resolve,
      );
      upstreamRequest.once('error', reject);
      upstreamRequest.end(body);
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readAll(request);
    const operation = operationOf(request.method ?? 'GET', request.url ?? '/', request.headers, body);
    tally.add(operation, 'requests');
    const target = isTargetOperation(operation) ? operation : undefined;
    const batch = target && readBatch(target, body, request.url ?? '/', problems);
    const entries = target ? (batch?.size ?? 1) : 0;
    const plan = target && plans.get(target);
    const drawn = plan && pick(FAULT_KINDS, plan.rates, random);
    // a batch the proxy could not read (see problems) is passed on whole
    const fault = drawn === 'partial' && !batch ? undefined : drawn;
    if (fault) tally.fault(operation, fault);

    const forwardCounted = async (forwardedBody: Buffer, forwardedEntries: number, rewriting = false) => {
      const answer = await forward(request, forwardedBody, rewriting);
      tally.add(operation, 'forwarded');
      tally.add(operation, 'entriesForwarded', forwardedEntries);
      return answer;
    };

    switch (fault) {
      case undefined: {
        const answer = await forwardCounted(body, entries);
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headersWithout(answer.rawHeaders, HOP_BY_HOP));
        answer.pipe(response);
        return;
      }
      case 'error500':
      case 'error503':
      case 'throttle': {
        const api = TARGET_APIS[TARGET_OPERATIONS[target!]];
        return send(response, errorAnswer(api.protocol, fault === 'throttle' ? plan!.throttle : api[fault]));
      }
      case 'partial': {
        const failed = failedEntries(batch!.size, plan!.entryFailureRate ?? DEFAULT_ENTRY_FAILURE_RATE, random);
        tally.add(operation, 'entriesFailed', failed.size);
        return answerPartially(response, batch!, failed, plan!.failedEntriesWritten ?? false, forwardCounted);
      }
      case 'slow': {
        const { delayMs, then } = plan!.slow!;
        const closed = AbortSignal.any([stopping.signal, closeSignal(response)]);
        if (then === 'hang') return new Promise((resolve) => closed.addEventListener('abort', () => resolve(), { once: true }));
        const answer = await forwardCounted(body, entries);
        const answerBody = await readAll(answer);
        if (await abortableSleep(delayMs, closed)) relayBuffered(response, answer, answerBody);
        return;
      }
      case 'dropBeforeForward':
        request.socket.resetAndDestroy();
        return;
      case 'dropAfterForward':
        await readAll(await forwardCounted(body, entries));
        request.socket.resetAndDestroy();
        return;
    }
  };

  const server = createServer({ keepAliveTimeout: 0, requestTimeout: 0 }, (request, response) => {
    response.on('error', () => undefined);
    handle(request, response).catch((error: unknown) => {
      const message = `${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}`;
      problems.push(message);
      if (response.headersSent) response.destroy();
      else send(response, { status: 502, headers: { 'content-type': 'text/plain' }, body: `fault proxy: ${message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  server.unref();
  const { port } = server.address() as AddressInfo;

  function counters(): FaultCounters;
  function counters(operation: string): FaultOperationCounters;
  function counters(operation?: string): FaultCounters | FaultOperationCounters {
    return operation === undefined ? tally.snapshot() : tally.snapshotOf(operation);
  }

  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    seed,
    setFaults: (faults) => {
      plans = compilePlans(faults);
    },
    counters,
    resetCounters: () => tally.reset(),
    problems,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping.abort();
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function compilePlans(faults: FaultPlan | readonly FaultPlan[]): Map<TargetOperation, ActivePlan> {
  const plans = new Map<TargetOperation, ActivePlan>();
  for (const plan of Array.isArray(faults) ? (faults as readonly FaultPlan[]) : [faults as FaultPlan]) {
    const where = `fault plan for ${plan.operations.join(', ')}`;
    checkRates(plan.rates, where);
    checkRates({ entryFailureRate: plan.entryFailureRate }, where);
    if ((plan.rates.slow ?? 0) > 0 && !plan.slow) throw new Error(`${where}: rates.slow needs slow: { delayMs, then }`);
    for (const operation of plan.operations) {
      if (!isTargetOperation(operation)) {
        throw new Error(`${where}: ${operation} is not a target operation (${Object.keys(TARGET_OPERATIONS).join(', ')}); reads are never faulted`);
      }
      if (plans.has(operation)) throw new Error(`${where}: ${operation} is in two plans`);
      if ((plan.rates.partial ?? 0) > 0 && !BATCH_FORMATS[operation]) {
        throw new Error(`${where}: ${operation} is not a batch operation: a partial failure needs one`);
      }
      const api = TARGET_APIS[TARGET_OPERATIONS[operation]];
      const throttle = plan.throttleCode === undefined ? api.throttles[0] : api.throttles.find((error) => error.code === plan.throttleCode);
      if (!throttle) {
        throw new Error(`${where}: ${operation} throttles with ${api.throttles.map((error) => error.code).join(' or ')}, not ${plan.throttleCode}`);
      }
      plans.set(operation, { ...plan, throttle });
    }
  }
  return plans;
}

function readBatch(operation: TargetOperation, body: Buffer, path: string, problems: string[]): BatchRequest | undefined {
  const read = BATCH_FORMATS[operation];
  if (!read) return undefined;
  try {
    return read(body, path);
  } catch (error) {
    problems.push(`${operation}: could not read the batch (${error instanceof Error ? error.message : String(error)}); passed it on whole`);
    return undefined;
  }
}

/** Each entry fails with the rate; when none did, one drawn. */
function failedEntries(size: number, rate: number, random: Random): Set<number> {
  const failed = new Set<number>();
  for (let index = 0; index < size; index++) if (random() < rate) failed.add(index);
  if (failed.size === 0 && size > 0) failed.add(Math.floor(random() * size));
  return failed;
}

/**
 * Forwards the entries not failed (all of them, when the failed are written all the same), and
 * answers the whole batch: the upstream's answer for those, merged with the failures. An upstream
 * that refused the call is relayed as it answered.
 */
async function answerPartially(
  response: ServerResponse,
  batch: BatchRequest,
  failed: ReadonlySet<number>,
  failedEntriesWritten: boolean,
  forward: (body: Buffer, entries: number, rewriting: boolean) => Promise<IncomingMessage>,
): Promise<void> {
  const all = Array.from({ length: batch.size }, (_, index) => index);
  const forwarded = failedEntriesWritten ? all : all.filter((index) => !failed.has(index));
  if (forwarded.length === 0) {
    const headers = { 'content-type': batch.contentType, 'x-amzn-requestid': randomUUID() };
    return send(response, { status: 200, headers, body: batch.answer(undefined, [], failed) });
  }
  const answer = await forward(batch.bodyWith(forwarded), forwarded.length, true);
  const answerBody = await readAll(answer);
  if (answer.statusCode !== 200) return relayBuffered(response, answer, answerBody);
  relayBuffered(response, answer, Buffer.from(batch.answer(answerBody, forwarded, failed)), REWRITTEN_ANSWER_HEADERS);
}

function send(response: ServerResponse, answer: Answer): void {
  const body = Buffer.from(answer.body);
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(body.length) });
  response.end(body);
}

/** The upstream's answer with this body: its headers but those named (and those of one hop), the length this body's. */
function relayBuffered(response: ServerResponse, answer: IncomingMessage, body: Buffer, dropped: readonly string[] = ['content-length']): void {
  response.writeHead(answer.statusCode ?? 502, answer.statusMessage, [
    ...headersWithout(answer.rawHeaders, [...HOP_BY_HOP, ...dropped]),
    'Content-Length',
    String(body.length),
  ]);
  response.end(body);
}

/** Aborts when the client's connection closes (it gave up, or the proxy stops). */
function closeSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => controller.abort());
  return controller.signal;
}
