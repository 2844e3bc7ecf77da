import { describe, expect, it } from 'vitest';
import { sendWithRetry, type RetryClock, type RetryPolicy } from '../../src/delivery/retry.js';
import { SendTimeouts } from '../../src/delivery/send-timeouts.js';
import type { Entry, Sender } from '../../src/targets/types.js';
import { ScriptedSender, TestClock, entry, record } from '../support/fake-sender.js';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
const batch = [entry(record(0, 'a')), entry(record(1, 'b')), entry(record(2, 'c'))];

/** sendWithRetry as a delivery calls it, with the delivery's timeouts. */
async function retried(sender: Sender, batch: readonly Entry[], options: { policy: RetryPolicy; clock: RetryClock; ordered: boolean }, onRetry: (count: number) => void) {
  const timeouts = new SendTimeouts(10_000, () => options.clock.timeLeftMs());
  try {
    return await sendWithRetry(sender, batch, { ...options, timeouts }, onRetry);
  } finally {
    timeouts.close();
  }
}

describe('sendWithRetry', () => {
  it('re-sends only the entries that came back retryable, with growing capped delays', async () => {
    const sender = new ScriptedSender((body, call) => (body === 'b' && call <= 3 ? { status: 'retryable', reason: 'throttled' } : { status: 'delivered' }));
    const clock = new TestClock();
    let retries = 0;
    const outcomes = await retried(sender, batch, { policy, clock, ordered: false }, (count) => (retries += count));
    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }, { status: 'delivered' }]);
    expect(sender.calls).toEqual([['a', 'b', 'c'], ['b'], ['b'], ['b']]);
    expect(clock.sleeps).toEqual([200, 400, 800]);
    expect(retries).toBe(3);
  });

  it('gives up after the last attempt and reports the entry failed with the last reason', async () => {
    const sender = new ScriptedSender((body) => (body === 'c' ? { status: 'retryable', reason: 'HTTP 500' } : { status: 'delivered' }));
    const outcomes = await retried(sender, batch, { policy, clock: new TestClock(), ordered: false }, () => undefined);
    expect(outcomes[2]).toEqual({ status: 'failed', reason: 'HTTP 500 (gave up after 5 attempts)' });
    expect(sender.calls).toHaveLength(5);
  });

  it('stops retrying when the invocation has no time left for the next delay', async () => {
    const sender = new ScriptedSender(() => ({ status: 'retryable', reason: 'down' }));
    const outcomes = await retried(sender, batch, { policy, clock: new TestClock(500), ordered: false }, () => undefined);
    expect(sender.calls).toHaveLength(2);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('never re-sends a rejected entry', async () => {
    const sender = new ScriptedSender((body) => (body === 'a' ? { status: 'rejected', reason: 'HTTP 400' } : { status: 'delivered' }));
    const outcomes = await retried(sender, batch, { policy, clock: new TestClock(), ordered: false }, () => undefined);
    expect(outcomes[0]).toEqual({ status: 'rejected', reason: 'HTTP 400' });
    expect(sender.calls).toHaveLength(1);
  });

  it('ordered: re-sends the first retryable entry and everything after it, so that the order holds', async () => {
    const sender = new ScriptedSender((body, call) => (body === 'b' && call === 1 ? { status: 'retryable', reason: 'throttled' } : { status: 'delivered' }));
    const outcomes = await retried(sender, batch, { policy, clock: new TestClock(), ordered: true }, () => undefined);
    expect(sender.calls).toEqual([['a', 'b', 'c'], ['b', 'c']]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('caps the delay and spreads it with jitter', async () => {
    const sender = new ScriptedSender(() => ({ status: 'retryable', reason: 'down' }));
    const capped = new TestClock();
    await retried(sender, batch, { policy: { ...policy, maxAttempts: 6 }, clock: capped, ordered: false }, () => undefined);
    expect(capped.sleeps).toEqual([200, 400, 800, 1_000, 1_000]);
    const jittered = new TestClock(60_000, 0.25);
    await retried(sender, batch, { policy: { ...policy, maxAttempts: 3 }, clock: jittered, ordered: false }, () => undefined);
    expect(jittered.sleeps).toEqual([50, 100]);
  });

  it('treats a thrown error as every entry retryable', async () => {
    const sender = new ScriptedSender((_body, call) => (call === 1 ? new Error('socket hang up') : { status: 'delivered' }));
    const outcomes = await retried(sender, batch, { policy, clock: new TestClock(), ordered: false }, () => undefined);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(sender.calls).toEqual([['a', 'b', 'c'], ['a', 'b', 'c']]);
  });
});
