import { setMaxListeners } from 'node:events';

/** The share of a send's timeout during which the sends that start share one timer: each is given up between its timeout and this much more. */
const SHARED_SPAN_SHARE = 0.1;

/** How long a sender has to stop after its signal aborted before the send is given up without it. */
export const ABORT_GRACE_MS = 100;

/** What a send starting now is given: the signal that says stop, and a promise rejected if it does not stop in time. */
export interface SendSlot {
  readonly signal: AbortSignal;
  readonly givenUp: Promise<never>;
}

interface Slot extends SendSlot {
  /** Sends that start before this (performance.now(): a clock that no time adjustment moves) take this slot. */
  readonly openUntil: number;
  inFlight: number;
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

  /** The slot of a send that starts now; give it back with `leave` when the send has settled. */
  enter(): SendSlot {
    const now = performance.now();
    let slot = this.current;
    if (!slot || now >= slot.openUntil) {
      if (slot) this.retire(slot);
      slot = this.open(now);
      this.current = slot;
    }
    slot.inFlight++;
    return slot;
  }

  leave(sendSlot: SendSlot): void {
    const slot = sendSlot as Slot;
    slot.inFlight--;
    if (slot !== this.current) this.retire(slot);
  }

  /** Clears the timer of a slot no send holds any more: for the end of a delivery. */
  close(): void {
    if (this.current) this.retire(this.current);
    this.current = undefined;
  }

  private retire(slot: Slot): void {
    if (slot.inFlight === 0) clearTimeout(slot.timer);
  }

  private open(now: number): Slot {
    const span = Math.ceil(this.requestTimeoutMs * SHARED_SPAN_SHARE);
    const timeLeftMs = this.timeLeftMs();
    const timeoutMs = Math.max(Math.min(timeLeftMs, this.requestTimeoutMs), 1);
    const controller = new AbortController();
    // every send of the slot listens to its signal, and the SDK's handler too: not a leak
    setMaxListeners(Infinity, controller.signal);
    let giveUp: (error: Error) => void = () => undefined;
    const givenUp = new Promise<never>((_resolve, reject) => (giveUp = reject));
    // rejected only for the sends that still race it; no send left is no unhandled rejection
    givenUp.catch(() => undefined);
    const slot: Slot = {
      signal: controller.signal,
      givenUp,
      openUntil: now + span,
      inFlight: 0,
      // the last send of the slot starts up to `span` after the first: each gets its whole timeout
      timer: setTimeout(
        () => {
          if (this.current === slot) this.current = undefined;
          // made only when it happens: an error captures a stack
          const timeout = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
          controller.abort(timeout);
          // the senders that stopped on the signal have left by now, or soon: the last to leave clears this
          slot.timer = setTimeout(() => giveUp(timeout), ABORT_GRACE_MS);
          if (slot.inFlight === 0) clearTimeout(slot.timer);
        },
        Math.max(Math.min(timeLeftMs, this.requestTimeoutMs + span), 1),
      ),
    };
    return slot;
  }
}
