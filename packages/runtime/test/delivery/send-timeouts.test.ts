import { once } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { ABORT_GRACE_MS, SendTimeouts } from '../../src/delivery/send-timeouts.js';

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** Node's timers count whole milliseconds: one may fire up to a millisecond before a clock read at its start says it is due. */
const TIMER_ROUNDING_MS = 1;

const now = () => performance.now();

/** Waits for a signal to abort; returns how long after `since` (performance.now()) it did, and why. */
async function abortedAfter(signal: AbortSignal, since: number): Promise<{ afterMs: number; reason: Error }> {
  if (!signal.aborted) await once(signal, 'abort');
  return { afterMs: now() - since + TIMER_ROUNDING_MS, reason: signal.reason as Error };
}

/** A send that is started and then held until `finish` is called: what it was given, and how it settles. */
function heldSend(timeouts: SendTimeouts) {
  let signal!: AbortSignal;
  let finish!: (value: string) => void;
  const settled = timeouts.send(
    (given) =>
      new Promise<string>((resolve) => {
        signal = given;
        finish = resolve;
      }),
  );
  return { signal, finish, settled };
}

describe('SendTimeouts', () => {
  it('gives the sends that start within a tenth of the timeout one signal, and a later send its own', async () => {
    const timeouts = new SendTimeouts(1_000, () => 60_000);
    const first = heldSend(timeouts);
    const second = heldSend(timeouts);
    expect(second.signal).toBe(first.signal);
    first.finish('first');
    second.finish('second');
    await expect(Promise.all([first.settled, second.settled])).resolves.toEqual(['first', 'second']);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const later = heldSend(timeouts);
    expect(later.signal).not.toBe(first.signal);
    later.finish('later');
    await later.settled;
    timeouts.close();
  });

  it('aborts a send no sooner than its timeout, saying so', async () => {
    // the test's clock (timers and performance.now()): a send that starts at the end of the slot's span is in it, however busy the machine
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const timeouts = new SendTimeouts(200, () => 60_000);
      const first = heldSend(timeouts);
      // the span is a tenth of the timeout: 20 ms
      vi.advanceTimersByTime(19);
      const late = heldSend(timeouts);
      expect(late.signal).toBe(first.signal);
      // the late send too gets its whole timeout: nothing aborts until 200 ms after it started, at the slot's 220 ms
      vi.advanceTimersByTime(200);
      expect(first.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(first.signal.aborted).toBe(true);
      expect(first.signal.reason).toMatchObject({ name: 'TimeoutError', message: 'no answer within 200 ms' });
      // the next send is not given the aborted signal
      const next = heldSend(timeouts);
      expect(next.signal.aborted).toBe(false);
      for (const held of [first, late, next]) held.finish('done');
      await expect(Promise.all([first.settled, late.settled, next.settled])).resolves.toEqual(['done', 'done', 'done']);
      timeouts.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("aborts at the invocation's deadline when it comes before the timeout", async () => {
    const timeouts = new SendTimeouts(10_000, () => 100);
    const started = now();
    const send = heldSend(timeouts);
    const { afterMs, reason } = await abortedAfter(send.signal, started);
    expect(afterMs).toBeGreaterThanOrEqual(100);
    expect(afterMs).toBeLessThan(10_000);
    expect(reason.message).toBe('no answer within 100 ms');
    send.finish('stopped');
    await send.settled;
  });

  it('gives up a send that does not stop on its signal, a grace after the abort, and only that one', async () => {
    const timeouts = new SendTimeouts(100, () => 60_000);
    const ignoring = timeouts.send(() => new Promise<never>(() => undefined));
    const stopping = heldSend(timeouts);
    stopping.signal.addEventListener('abort', () => stopping.finish('stopped'));
    await abortedAfter(stopping.signal, now());
    const abortedAt = now();
    await expect(stopping.settled).resolves.toBe('stopped');
    await expect(ignoring).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(now() - abortedAt).toBeGreaterThanOrEqual(ABORT_GRACE_MS - 5);
  });

  it('settles as the send does: its value, its error, or what it threw before returning a promise', async () => {
    const timeouts = new SendTimeouts(10_000, () => 60_000);
    await expect(timeouts.send(async () => 'taken')).resolves.toBe('taken');
    await expect(timeouts.send(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(
      timeouts.send(() => {
        throw new Error('thrown at once');
      }),
    ).rejects.toThrow('thrown at once');
    timeouts.close();
  });

  it('leaves no timer behind once its sends are done and the delivery closes it', async () => {
    const before = timers();
    const timeouts = new SendTimeouts(10_000, () => 60_000);
    const send = heldSend(timeouts);
    expect(timers()).toBe(before + 1);
    send.finish('done');
    await send.settled;
    timeouts.close();
    expect(timers()).toBe(before);
    expect(send.signal.aborted).toBe(false);
  });

  it('clears the timer of an earlier slot when its last send settles, with a later slot open', async () => {
    const before = timers();
    const timeouts = new SendTimeouts(100, () => 60_000);
    const early = heldSend(timeouts);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = heldSend(timeouts);
    expect(later.signal).not.toBe(early.signal);
    expect(timers()).toBe(before + 2);
    early.finish('done');
    await early.settled;
    expect(timers()).toBe(before + 1);
    later.finish('done');
    await later.settled;
    timeouts.close();
    expect(timers()).toBe(before);
  });
});
