import type { TargetStateItem } from '../config/contracts.js';
import type { ProgressTable } from './progress-table.js';

export type TargetStateUpdate = Pick<TargetStateItem, 'state'> & Partial<Pick<TargetStateItem, 'since' | 'lastError' | 'heldSince'>>;

type Known = Pick<TargetStateItem, 'state' | 'since'> & Partial<Pick<TargetStateItem, 'lastError' | 'heldSince'>>;

function unchanged(known: Known, next: TargetStateUpdate): boolean {
  return (
    known.state === next.state &&
    known.lastError === next.lastError &&
    known.heldSince === next.heldSince &&
    (next.since === undefined || known.since === next.since)
  );
}

/**
 * The targets' states, written to the progress table only when they change, so that a healthy
 * target costs no read and no write. A target that was failing is known to have been from its
 * progress in the retried batch (any process may serve the retry); after that, this process
 * remembers what it wrote.
 */
export class TargetStates {
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly table: ProgressTable,
    private readonly now: () => number = Date.now,
  ) {}

  /** `wasFailing`: the batch's progress says the target failed in the try before this one. */
  async record(sourceArn: string, targetId: string, next: TargetStateUpdate, wasFailing: boolean): Promise<void> {
    const key = JSON.stringify([sourceArn, targetId]);
    const known = this.known.get(key) ?? (wasFailing ? undefined : { state: 'ok', since: '' });
    if (known && unchanged(known, next)) return;
    const written: Known = { ...next, since: next.since ?? new Date(this.now()).toISOString() };
    await this.table.writeState(sourceArn, targetId, written);
    this.known.set(key, written);
  }
}
