import type { BatchLimits, Entry } from '../targets/types.js';

/** Entries → batches, in order, each within the API's count and byte limits. */
export function packBatches(entries: readonly Entry[], limits: BatchLimits): Entry[][] {
  const batches: Entry[][] = [];
  let batch: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (batch.length > 0 && (batch.length >= limits.maxEntries || bytes + entry.size > limits.maxBatchBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += entry.size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
