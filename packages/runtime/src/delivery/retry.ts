import type { Entry, EntryOutcome, Sender } from '../targets/types.js';
import type { SendTimeouts } from './send-timeouts.js';

type RetryableOutcome = Extract<EntryOutcome, { status: 'retryable' }>;

export interface RetryPolicy {
  /** Sends of one entry at most, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** One send at most (up to a tenth more: see SendTimeouts), whatever the sender: a hung request is given up and retried, not waited for until the deadline. */
  requestTimeoutMs?: number;
}

/** Well inside the shortest invocation fanout is deployed with (30 s by default), leaving time for retries. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 5_000, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS };

export type FinalOutcome =
  | { status: 'delivered' }
  | { status: 'failed'; reason: string }
  | { status: 'rejected'; reason: string };

export interface RetryClock {
  /** Milliseconds the invocation can still spend on sending. */
  timeLeftMs(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock = (timeLeftMs: () => number): RetryClock => ({
  timeLeftMs,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
});

/**
 * Sends a batch, then re-sends the entries that came back retryable, with exponential backoff and
 * full jitter, while attempts and the invocation's time last. Returns one final outcome per entry.
 * When `ordered`, everything after the first retryable entry is sent again too (even what was
 * taken), so that the destination ends with the records in their order: at least once, in order.
 */
export async function sendWithRetry(
  sender: Sender,
  batch: readonly Entry[],
  options: { policy: RetryPolicy; clock: RetryClock; ordered: boolean; timeouts: SendTimeouts },
  onRetry: (entries: number) => void,
): Promise<FinalOutcome[]> {
  const { policy, clock, ordered, timeouts } = options;
  const first = await sendOnce(sender, batch, timeouts);
  // the healthy state: everything settled at the first send, nothing to keep track of
  if (!hasRetryable(first)) return first as FinalOutcome[];
  const outcomes: Array<FinalOutcome | undefined> = batch.map(() => undefined);
  let pending = batch.map((_entry, index) => index);
  for (let attempt = 1; ; attempt++) {
    const results = attempt === 1 ? first : await sendOnce(sender, pending.map((index) => batch[index]!), timeouts);
    const firstRetryable = results.findIndex((result) => result.status === 'retryable');
    const lastReason = results.findLast((result): result is RetryableOutcome => result.status === 'retryable')?.reason ?? '';
    const stillPending = pending.filter((index, position) => {
      const result = results[position]!;
      const again = result.status === 'retryable' || (ordered && firstRetryable >= 0 && position > firstRetryable);
      if (!again) outcomes[index] = result as FinalOutcome;
      return again;
    });
    pending = stillPending;
    if (pending.length === 0) break;

    const delay = clock.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    if (attempt >= policy.maxAttempts || clock.timeLeftMs() < delay) {
      const reason = `${lastReason} (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`;
      for (const index of pending) outcomes[index] = { status: 'failed', reason };
      break;
    }
    onRetry(pending.length);
    await clock.sleep(delay);
  }
  return outcomes as FinalOutcome[];
}

function hasRetryable(results: readonly EntryOutcome[]): boolean {
  for (const result of results) if (result.status === 'retryable') return true;
  return false;
}

/**
 * One send, aborted when the invocation's time is up or the request takes longer than its timeout:
 * a slow destination must not outlive the invocation, nor hold the batch. A sender that does not
 * stop on the signal is given up all the same (its request may still land: a retry may duplicate it).
 */
async function sendOnce(sender: Sender, entries: readonly Entry[], timeouts: SendTimeouts): Promise<EntryOutcome[]> {
  try {
    const results = await timeouts.send((signal) => sender.send(entries, signal));
    if (results.length !== entries.length) throw new Error(`sender returned ${results.length} outcomes for ${entries.length} entries`);
    return results;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return entries.map(() => ({ status: 'retryable', reason }));
  }
}
