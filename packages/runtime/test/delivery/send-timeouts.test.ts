import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ABORT_GRACE_MS, SendTimeouts } from '../../src/delivery/send-timeouts.js';

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** Waits for a signal to abort; returns how long after `since` it did, and why. */
async function abortedAfter(signal: AbortSignal, since: number): Promise<{ afterMs: number; reason: Error }> {
  if (!signal.aborted) await once(signal, 'abort');
  return { afterMs: Date.now() - since, reason: signal.reason as Error };
}

describe('SendTimeouts', () => {
  it('gives the sends that start within a tenth of the timeout one signal, and a later send its own', async () => {
    const timeouts = new SendTimeouts(1_000, () => 60_000);
    const first = timeouts.enter();
    const second = timeouts.enter();
    expect(second.signal).toBe(first.signal);
    timeouts.leave(first);
    timeouts.leave(second);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const later = timeouts.enter();
    expect(later.signal).not.toBe(first.signal);
    timeouts.leave(later);
    timeouts.close();
  });

  it('aborts a send no sooner than its timeout, saying so', async () => {
    const timeouts = new SendTimeouts(200, () => 60_000);
    const started = Date.now();
    const slot = timeouts.enter();
    // a send that starts at the end of the slot's span still gets its whole timeout
    await new Promise((resolve) => setTimeout(resolve, 15));
    const late = timeouts.enter();
    const lateStarted = Date.now();
    expect(late.signal).toBe(slot.signal);
    const { afterMs, reason } = await abortedAfter(slot.signal, started);
    expect(afterMs).toBeGreaterThanOrEqual(200);
    expect(Date.now() - lateStarted).toBeGreaterThanOrEqual(200);
    expect(reason).toMatchObject({ name: 'TimeoutError', message: 'no answer within 200 ms' });
    // the next send is not given the aborted signal
    const next = timeouts.enter();
    expect(next.signal.aborted).toBe(false);
    for (const held of [slot, late, next]) timeouts.leave(held);
    timeouts.close();
  });

  it("aborts at the invocation's deadline when it comes before the timeout", async () => {
    const timeouts = new SendTimeouts(10_000, () => 100);
    const started = Date.now();
    const slot = timeouts.enter();
    const { afterMs, reason } = await abortedAfter(slot.signal, started);
    expect(afterMs).toBeGreaterThanOrEqual(100);
    expect(afterMs).toBeLessThan(10_000);
    expect(reason.message).toBe('no answer within 100 ms');
    timeouts.leave(slot);
  });

  it('gives up a send that does not stop on its signal, a grace after the abort', async () => {
    const timeouts = new SendTimeouts(100, () => 60_000);
    const slot = timeouts.enter();
    const ignoring = new Promise<never>(() => undefined);
    await abortedAfter(slot.signal, Date.now());
    const abortedAt = Date.now();
    await expect(Promise.race([ignoring, slot.givenUp])).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(ABORT_GRACE_MS - 5);
    timeouts.leave(slot);
  });

  it('leaves no timer behind once its sends are done and the delivery closes it', async () => {
    const before = timers();
    const timeouts = new SendTimeouts(10_000, () => 60_000);
    const slot = timeouts.enter();
    expect(timers()).toBe(before + 1);
    timeouts.leave(slot);
    timeouts.close();
    expect(timers()).toBe(before);
    expect(slot.signal.aborted).toBe(false);
  });
});
