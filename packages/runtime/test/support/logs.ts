import type { TestFanout } from './harness.js';

/**
 * The records that ended `rejected` or `failed` at a target, one entry per record, from the log
 * lines (one line per outcome and reason, naming its first records), in the order logged:
 * `message` is `record STATUS: REASON`, beside the line's fields and the record's position.
 */
export function recordOutcomeLines(fanout: TestFanout, status: 'rejected' | 'failed'): Array<Record<string, unknown>> {
  return fanout.logs
    .filter((line) => line.status === status && Array.isArray(line.records))
    .flatMap((line) =>
      (line.records as string[]).map((position) => {
        const [sequenceNumber, subSequenceNumber] = position.split('.');
        return {
          ...line,
          message: `record ${status}: ${String(line.reason)}`,
          sequenceNumber,
          ...(subSequenceNumber === undefined ? {} : { subSequenceNumber: Number(subSequenceNumber) }),
        };
      }),
    );
}

/** The outcome lines themselves: one per target, outcome and reason. */
export function outcomeLines(fanout: TestFanout, status: 'rejected' | 'failed'): Array<Record<string, unknown>> {
  return fanout.logs.filter((line) => line.status === status && Array.isArray(line.records));
}
