import pLimit from 'p-limit';
import type { FanoutRecord } from '../records/index.js';
import type { BatchLimits, Encoded, Entry, Rejection, Sender, TargetType } from '../targets/types.js';
import type { TargetConfig } from '../config/schema.js';
import { packBatches } from './pack.js';
import { sendWithRetry, type FinalOutcome, type RetryClock, type RetryPolicy } from './retry.js';

/** Batches of one target in flight at once when it is `parallel`. */
export const PARALLEL_BATCHES_PER_TARGET = 8;

export type RecordStatus = FinalOutcome['status'];

/** What became of each record at one target, and the counts for metrics. */
export interface TargetDelivery {
  /** Per record: the worst outcome of the entries made from it (failed > rejected > delivered). */
  outcomes: Map<FanoutRecord, FinalOutcome>;
  retries: number;
}

export interface DeliveryOptions {
  policy: RetryPolicy;
  clock: RetryClock;
}

const SEVERITY: Record<RecordStatus, number> = { delivered: 0, rejected: 1, failed: 2 };

/** Keeps, per record, the worst outcome of the entries made from it. */
function mergeOutcome(outcomes: Map<FanoutRecord, FinalOutcome>, records: readonly FanoutRecord[], outcome: FinalOutcome): void {
  for (const fanoutRecord of records) {
    const current = outcomes.get(fanoutRecord);
    if (!current || SEVERITY[outcome.status] > SEVERITY[current.status]) outcomes.set(fanoutRecord, outcome);
  }
}

/** Entries larger than the destination takes, even alone, are rejected. */
function splitByEntryLimit(encoded: Encoded, limits: BatchLimits, type: TargetType): { entries: Entry[]; rejected: Rejection[] } {
  const { maxEntryBytes } = limits;
  const tooLarge = encoded.entries.filter((entry) => entry.size > maxEntryBytes);
  return {
    entries: encoded.entries.filter((entry) => entry.size <= maxEntryBytes),
    rejected: [
      ...encoded.rejected,
      ...tooLarge.map((entry) => ({ records: entry.records, reason: `${entry.size} bytes, more than the ${maxEntryBytes}-byte limit of ${type.name}` })),
    ],
  };
}

/** The limits that apply: the destination's own when its sender says them, else the type's. */
async function limitsOf(type: TargetType, sender: Sender, timeLeftMs: number): Promise<BatchLimits> {
  return sender.limits ? sender.limits(AbortSignal.timeout(Math.max(timeLeftMs, 1))) : type.limits;
}

/**
 * Encodes the records for one target, packs them at its destination's limits and sends the batches:
 * concurrently when the target is `parallel`, else in order, stopping at the first batch that fails.
 */
export async function deliverToTarget(
  target: TargetConfig,
  type: TargetType,
  sender: Sender,
  records: readonly FanoutRecord[],
  options: DeliveryOptions,
): Promise<TargetDelivery> {
  const delivery: TargetDelivery = { outcomes: new Map(), retries: 0 };
  const limits = await limitsOf(type, sender, options.clock.timeLeftMs());
  const { entries, rejected } = splitByEntryLimit(type.encode(records, target, limits), limits, type);
  const batches = packBatches(entries, limits);
  for (const rejection of rejected) mergeOutcome(delivery.outcomes, rejection.records, { status: 'rejected', reason: rejection.reason });

  const sendBatch = async (batch: Entry[]): Promise<boolean> => {
    const outcomes = await sendWithRetry(sender, batch, { ...options, ordered: !target.parallel }, (count) => {
      delivery.retries += count;
    });
    outcomes.forEach((outcome, index) => mergeOutcome(delivery.outcomes, batch[index]!.records, outcome));
    return outcomes.every((outcome) => outcome.status !== 'failed');
  };

  if (target.parallel) {
    const limit = pLimit(PARALLEL_BATCHES_PER_TARGET);
    await Promise.all(batches.map((batch) => limit(() => sendBatch(batch))));
  } else {
    for (const [index, batch] of batches.entries()) {
      if (await sendBatch(batch)) continue;
      const notSent: FinalOutcome = { status: 'failed', reason: 'not sent: an earlier batch failed (parallel is false)' };
      for (const later of batches.slice(index + 1)) for (const entry of later) mergeOutcome(delivery.outcomes, entry.records, notSent);
      break;
    }
  }
  return delivery;
}
