import { delivered, retryable, type Entry, type EntryOutcome } from './types.js';

/** One result of an API that answers each record of a batch in order (Kinesis PutRecords, Firehose PutRecordBatch). */
export interface PerRecordResult {
  ErrorCode?: string | undefined;
  ErrorMessage?: string | undefined;
}

/** Outcomes from such results: a record with an ErrorCode is retryable, the others are delivered. */
export function outcomesOfPerRecordResults(batch: readonly Entry[], results: readonly PerRecordResult[] = []): EntryOutcome[] {
  if (results.length !== batch.length) throw new Error(`${results.length} results for ${batch.length} records`);
  return results.map((result) => (result.ErrorCode ? retryable(`${result.ErrorCode}: ${result.ErrorMessage ?? ''}`) : delivered()));
}
