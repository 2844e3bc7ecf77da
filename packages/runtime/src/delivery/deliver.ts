import pLimit from 'p-limit';
import type { FanoutRecord } from '../records/index.js';
import type { Encoded, Entry, Sender, TargetType } from '../targets/types.js';
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

function record(outcomes: Map<FanoutRecord, FinalOutcome>, records: readonly FanoutRecord[], outcome: FinalOutcome): void {
  for (const fanoutRecord of records) {
    const current = outcomes.get(fanoutRecord);
    if (!current || SEVERITY[outcome.status] > SEVERITY[current.status]) outcomes.set(fanoutRecord, outcome);
  }
}

/** Rejects entries larger than the API takes, even alone. */
function withinEntryLimit(encoded: Encoded, type: TargetType): Entry[] {
  const { maxEntryBytes } = type.limits;
  return encoded.entries.filter((entry) => {
    if (entry.size <= maxEntryBytes) return true;
    encoded.rejected.push({
      records: entry.records,
      reason: `${entry.size} bytes, more than the ${maxEntryBytes}-byte limit of ${type.name}`,
    });
    return false;
  });
}

/**
 * Encodes the records for one target, packs them at its limits and sends the batches:
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
  const encoded = type.encode(records, target);
  const batches = packBatches(withinEntryLimit(encoded, type), type.limits);
  for (const rejection of encoded.rejected) record(delivery.outcomes, rejection.records, { status: 'rejected', reason: rejection.reason });

  const sendBatch = async (batch: Entry[]): Promise<boolean> => {
    const outcomes = await sendWithRetry(sender, batch, options.policy, options.clock, (count) => {
      delivery.retries += count;
    });
    outcomes.forEach((outcome, index) => record(delivery.outcomes, batch[index]!.records, outcome));
    return outcomes.every((outcome) => outcome.status !== 'failed');
  };

  if (target.parallel) {
    const limit = pLimit(PARALLEL_BATCHES_PER_TARGET);
    await Promise.all(batches.map((batch) => limit(() => sendBatch(batch))));
  } else {
    for (const [index, batch] of batches.entries()) {
      if (await sendBatch(batch)) continue;
      const notSent: FinalOutcome = { status: 'failed', reason: 'not sent: an earlier batch failed (parallel is false)' };
      for (const later of batches.slice(index + 1)) for (const entry of later) record(delivery.outcomes, entry.records, notSent);
      break;
    }
  }
  return delivery;
}
