/**
 * What is in flight under one owner, so that one event (an abort, a timeout) reaches them all: a
 * slot each in an array, a slot reused once its item has left. A Set churned by thousands of
 * requests a delivery made each request outlive the young generation: its tables, rebuilt as
 * entries come and go, kept pointing at requests that had ended, so the scavenger promoted them
 * (1.3 MB a scavenge for http at one request a record, several times the scavenge's own time).
 */
export class InFlight<T> {
  private readonly slots: Array<T | undefined> = [];
  private readonly free: number[] = [];

  /** Returns the item's slot, for `remove`. */
  add(item: T): number {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = item;
    return slot;
  }

  /** Takes the item out of its slot; nothing when it has left already (a second settlement, a `clear`). */
  remove(slot: number, item: T): void {
    if (this.slots[slot] !== item) return;
    this.slots[slot] = undefined;
    this.free.push(slot);
  }

  get size(): number {
    return this.slots.length - this.free.length;
  }

  /** The items in flight now: a copy, so that what is done to each may take it out. */
  items(): T[] {
    return this.slots.filter((item): item is T => item !== undefined);
  }

  clear(): void {
    this.slots.length = 0;
    this.free.length = 0;
  }
}
