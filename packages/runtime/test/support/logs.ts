import type { TestFanout } from './harness.js';

/** The log lines about records that ended `rejected` or `failed` at a target, in the order logged. */
export function recordOutcomeLines(fanout: TestFanout, status: 'rejected' | 'failed'): Array<Record<string, unknown>> {
  return fanout.logs.filter((line) => String(line.message).startsWith(`record ${status}:`));
}
