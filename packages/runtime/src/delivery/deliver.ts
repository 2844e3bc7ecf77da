import type { FanoutRecord } from '../records/index.js';
import type { BatchLimits, Encoded, Entry, Rejection, Sender, TargetType } from '../targets/types.js';
import type { TargetOptions } from '../targets/options.js';
import { packBatches } from './pack.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, sendWithRetry, type FinalOutcome, type RetryClock, type RetryPolicy } from './retry.js';
import { SendTimeouts } from './send-timeouts.js';

/** Batches of one target in flight at once when it is `parallel`. */
export const PARALLEL_BATCHES_PER_TARGET = 8;

export type RecordStatus = FinalOutcome['status'];

/** An outcome other than delivered. */
export type Failure = Exclude<FinalOutcome, { status: 'delivered' }>;

/**
 * What became of the records at one target, and the counts for metrics. Only what did not go
 * well is kept per record: in the healthy state a delivery costs nothing per record beyond its send.
 */
export interface TargetDelivery {
  /** The records not delivered, each with the worst outcome of the entries made from it (failed > rejected); every other record was delivered. */
  failures: Map<FanoutRecord, Failure>;
  /** Records given to the delivery. */
  records: number;
  retries: number;
}

const DELIVERED: FinalOutcome = { status: 'delivered' };

/** What became of one of the records given to a delivery. */
export function outcomeOf(delivery: TargetDelivery, record: FanoutRecord): FinalOutcome {
  return delivery.failures.get(record) ?? DELIVERED;
}

/** A delivery in which every record failed for the same reason. */
export function failedDelivery(records: readonly FanoutRecord[], reason: string): TargetDelivery {
  const failure: Failure = { status: 'failed', reason };
  return { failures: new Map(records.map((record) => [record, failure])), records: records.length, retries: 0 };
}

export interface DeliveryOptions {
  policy: RetryPolicy;
  clock: RetryClock;
}

/** Keeps, per record, the worst outcome of the entries made from it: a delivered entry changes nothing. */
function mergeOutcome(failures: Map<FanoutRecord, Failure>, records: readonly FanoutRecord[], outcome: FinalOutcome): void {
  if (outcome.status === 'delivered') return;
  for (const fanoutRecord of records) {
    if (outcome.status === 'failed' || !failures.has(fanoutRecord)) failures.set(fanoutRecord, outcome);
  }
}

/** Each record must be in an entry or refused: one that is neither would count as delivered. */
function checkEveryRecordEncoded(records: readonly FanoutRecord[], encoded: Encoded, type: TargetType): void {
  let covered = 0;
  for (const entry of encoded.entries) covered += entry.records.length;
  for (const rejection of encoded.rejected) covered += rejection.records.length;
  if (covered !== records.length) throw new Error(`${type.name} encoded ${covered} of ${records.length} records`);
}

/** Entries larger than the destination takes, even alone, are rejected. */
function splitByEntryLimit(encoded: Encoded, limits: BatchLimits, type: TargetType): { entries: Entry[]; rejected: Rejection[] } {
  const { maxEntryBytes } = limits;
  // the healthy state: every entry fits, nothing to copy
  if (encoded.entries.every((entry) => entry.size <= maxEntryBytes)) return encoded;
  const entries: Entry[] = [];
  const rejected = [...encoded.rejected];
  for (const entry of encoded.entries) {
    if (entry.size <= maxEntryBytes) entries.push(entry);
    else rejected.push({ records: entry.records, reason: `${entry.size} bytes, more than the ${maxEntryBytes}-byte limit of ${type.name}` });
  }
  return { entries, rejected };
}

/** The limits that apply: the destination's own when its sender says them, else the type's. */
async function limitsOf(type: TargetType, sender: Sender, timeLeftMs: number): Promise<BatchLimits> {
  return sender.limits ? sender.limits(AbortSignal.timeout(Math.max(timeLeftMs, 1))) : type.limits;
}

/**
 * Sends the batches, at most `lanes` at once, each lane taking the next batch when its last is
 * done. With `stopAtFailure` (one lane: in order), what follows a failed batch is not sent and is
 * returned. Lanes rather than a limiter's promise per batch: p-limit cost 5 µs a batch (60 ms for
 * 10,000 one-entry batches) and p-map 2 µs, where these cost next to nothing.
 */
async function sendInLanes(batches: readonly Entry[][], lanes: number, sendBatch: (batch: Entry[]) => Promise<boolean>, stopAtFailure: boolean): Promise<Entry[][]> {
  let next = 0;
  let stoppedAt: number | undefined;
  const lane = async (): Promise<void> => {
    while (next < batches.length && stoppedAt === undefined) {
      const index = next++;
      if (!(await sendBatch(batches[index]!)) && stopAtFailure) stoppedAt = index + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, batches.length) }, lane));
  return stoppedAt === undefined ? [] : batches.slice(stoppedAt);
}

/**
 * Encodes the records for one target, packs them at its destination's limits and sends the batches:
 * concurrently when the target is `parallel`, else in order, stopping at the first batch that fails.
 */
export async function deliverToTarget(
  target: TargetOptions,
  type: TargetType,
  sender: Sender,
  records: readonly FanoutRecord[],
  options: DeliveryOptions,
): Promise<TargetDelivery> {
  const delivery: TargetDelivery = { failures: new Map(), records: records.length, retries: 0 };
  const limits = await limitsOf(type, sender, options.clock.timeLeftMs());
  const encoded = type.encode(records, target, limits);
  checkEveryRecordEncoded(records, encoded, type);
  const { entries, rejected } = splitByEntryLimit(encoded, limits, type);
  const batches = packBatches(entries, limits);
  for (const rejection of rejected) mergeOutcome(delivery.failures, rejection.records, { status: 'rejected', reason: rejection.reason });

  const timeouts = new SendTimeouts(options.policy.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, () => options.clock.timeLeftMs());
  const sendOptions = { ...options, ordered: !target.parallel, timeouts };
  const onRetry = (count: number) => {
    delivery.retries += count;
  };
  const sendBatch = async (batch: Entry[]): Promise<boolean> => {
    const outcomes = await sendWithRetry(sender, batch, sendOptions, onRetry);
    let taken = true;
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]!;
      if (outcome.status === 'delivered') continue;
      mergeOutcome(delivery.failures, batch[index]!.records, outcome);
      if (outcome.status === 'failed') taken = false;
    }
    return taken;
  };

  const lanes = target.parallel ? PARALLEL_BATCHES_PER_TARGET : 1;
  let unsent: Entry[][];
  try {
    unsent = await sendInLanes(batches, lanes, sendBatch, !target.parallel);
  } finally {
    timeouts.close();
  }
  const notSent: FinalOutcome = { status: 'failed', reason: 'not sent: an earlier batch failed (parallel is false)' };
  for (const later of unsent) for (const entry of later) mergeOutcome(delivery.failures, entry.records, notSent);
  return delivery;
}
