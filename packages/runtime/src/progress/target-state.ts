import type { TargetStateItem } from '../config/contracts.js';
import type { ProgressTable } from './progress-table.js';

export type TargetStateUpdate = Pick<TargetStateItem, 'state'> & Partial<Pick<TargetStateItem, 'since' | 'lastError' | 'heldSince'>>;

type Known = Pick<TargetStateItem, 'state' | 'since'> & Partial<Pick<TargetStateItem, 'lastError' | 'heldSince'>>;

function unchanged(known: Known | undefined, next: TargetStateUpdate): boolean {
  // a target never written is ok
  const current: Known = known ?? { state: 'ok', since: '' };
  return (
    current.state === next.state &&
    current.lastError === next.lastError &&
    current.heldSince === next.heldSince &&
    (next.since === undefined || current.since === next.since)
  );
}

/**
 * The targets' states, written to the progress table only when they change: the table is read
 * once per source by this process, then what it wrote is remembered, so a healthy target costs
 * no write.
 */
export class TargetStates {
  private readonly known = new Map<string, Promise<Map<string, Known>>>();

  constructor(
    private readonly table: ProgressTable,
    private readonly now: () => number = Date.now,
  ) {}

  async record(sourceArn: string, targetId: string, next: TargetStateUpdate): Promise<void> {
    const states = await this.statesOf(sourceArn);
    if (unchanged(states.get(targetId), next)) return;
    const written: Known = { ...next, since: next.since ?? new Date(this.now()).toISOString() };
    await this.table.writeState(sourceArn, targetId, written);
    states.set(targetId, written);
  }

  private statesOf(sourceArn: string): Promise<Map<string, Known>> {
    let states = this.known.get(sourceArn);
    if (!states) {
      states = this.table.readStates(sourceArn).catch((error: unknown) => {
        this.known.delete(sourceArn);
        throw error;
      });
      this.known.set(sourceArn, states);
    }
    return states;
  }
}
