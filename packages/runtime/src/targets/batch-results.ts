import { delivered, rejected, retryable, type Entry, type EntryOutcome } from './types.js';

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

/** A failed entry as SNS PublishBatch and SQS SendMessageBatch report it, by the Id it was sent with. */
export interface FailedBatchEntry {
  Id?: string | undefined;
  Code?: string | undefined;
  Message?: string | undefined;
  SenderFault?: boolean | undefined;
}

/** Outcomes of a batch sent with Ids 0..n-1: a failure that is the sender's fault is rejected, any other retried. */
export function outcomesOfFailedEntries(batch: readonly Entry[], failed: readonly FailedBatchEntry[] = []): EntryOutcome[] {
  const outcomes = batch.map(() => delivered());
  for (const failure of failed) {
    const reason = `${failure.Code}: ${failure.Message ?? ''}`;
    outcomes[Number(failure.Id)] = failure.SenderFault ? rejected(reason) : retryable(reason);
  }
  return outcomes;
}
