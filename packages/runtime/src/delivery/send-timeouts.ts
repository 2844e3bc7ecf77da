import { setMaxListeners } from 'node:events';
import { InFlight } from './in-flight.js';

/** The share of a send's timeout during which the sends that start share one timer: each is given up between its timeout and this much more. */
const SHARED_SPAN_SHARE = 0.1;

/** How long a sender has to stop after its signal aborted before the send is given up without it. */
export const ABORT_GRACE_MS = 100;

interface Slot {
  /** What says stop to the sends of the slot. */
  readonly controller: AbortController;
  /** Sends that start before this (performance.now(): a clock that no time adjustment moves) take this slot. */
  readonly openUntil: number;
  /** How each send still in flight is given up: its promise's reject. */
  readonly waiting: InFlight<(error: Error) => void>;
  /** The timeout's timer, then the grace's once it fired. */
  timer: NodeJS.Timeout;
}

/**
 * The timeouts of a delivery's sends, a timer for all those that start within a tenth of the
 * timeout: a controller and a timer a send cost as much as a small request's own work in
 * fanout, at thousands of sends a batch. A send is aborted once its request timeout has passed
 * (at most a tenth more), or when the invocation's time is up, whichever comes first.
 */
export class SendTimeouts {
  private current: Slot | undefined;

  constructor(
    private readonly requestTimeoutMs: number,
    private readonly timeLeftMs: () => number,
  ) {}

  /**
   * Starts a send with the signal of its slot; what it returns settles as the send does, or is
   * rejected with the timeout when the send has not stopped a grace after its signal aborted.
   * A set of the sends in flight rather than a race with one promise of the slot: every race
   * would stay attached to that promise, and with it its result, until the slot ends.
   */
  send<T>(start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const slot = this.slotNow();
    return new Promise<T>((resolve, reject) => {
      const { waiting } = slot;
      const waitingSlot = waiting.add(reject);
      const settled = () => {
        waiting.remove(waitingSlot, reject);
        if (slot !== this.current) this.retire(slot);
      };
      try {
        start(slot.controller.signal).then(
          (value) => {
            settled();
            resolve(value);
          },
          (error: unknown) => {
            settled();
            reject(error as Error);
          },
        );
      } catch (error) {
        settled();
        reject(error as Error);
      }
    });
  }

  /** Clears the timer of a slot no send holds any more: for the end of a delivery. */
  close(): void {
    if (this.current) this.retire(this.current);
    this.current = undefined;
  }

  private slotNow(): Slot {
    const now = performance.now();
    let slot = this.current;
    if (!slot || now >= slot.openUntil) {
      if (slot) this.retire(slot);
      slot = this.open(now);
      this.current = slot;
    }
    return slot;
  }

  private retire(slot: Slot): void {
    if (slot.waiting.size === 0) clearTimeout(slot.timer);
  }

  private open(now: number): Slot {
    const span = Math.ceil(this.requestTimeoutMs * SHARED_SPAN_SHARE);
    const timeLeftMs = this.timeLeftMs();
    const timeoutMs = Math.max(Math.min(timeLeftMs, this.requestTimeoutMs), 1);
    const controller = new AbortController();
    // every send of the slot listens to its signal, and the SDK's handler too: not a leak
    setMaxListeners(Infinity, controller.signal);
    const slot: Slot = {
      controller,
      openUntil: now + span,
      waiting: new InFlight(),
      // the last send of the slot starts up to `span` after the first: each gets its whole timeout
      timer: setTimeout(
        () => {
          if (this.current === slot) this.current = undefined;
          // made only when it happens: an error captures a stack
          const timeout = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
          controller.abort(timeout);
          // the senders that stopped on the signal have left by now, or soon: the last to leave clears this
          slot.timer = setTimeout(() => {
            for (const giveUp of slot.waiting.items()) giveUp(timeout);
            slot.waiting.clear();
          }, ABORT_GRACE_MS);
          this.retire(slot);
        },
        Math.max(Math.min(timeLeftMs, this.requestTimeoutMs + span), 1),
      ),
    };
    return slot;
  }
}
