import type { FakeApiCounters, FakeAwsCounters, KeptEntry } from './types.js';

/** The fake's counters, by operation, and (when it keeps them) the entries' payloads in the order they came. */
export class Recorder {
  private byOperation = new Map<string, FakeApiCounters>();
  private entries: KeptEntry[] = [];

  count(operation: string, entries: number, bytes: number): void {
    const counters = this.byOperation.get(operation);
    if (!counters) {
      this.byOperation.set(operation, { requests: 1, entries, bytes });
      return;
    }
    counters.requests += 1;
    counters.entries += entries;
    counters.bytes += bytes;
  }

  readonly keep = (destination: string, data: string, key?: string): void => {
    const receivedAt = Date.now();
    this.entries.push(key === undefined ? { destination, data, receivedAt } : { destination, data, key, receivedAt });
  };

  counters(): FakeAwsCounters {
    return Object.fromEntries(this.byOperation);
  }

  kept(destination?: string): KeptEntry[] {
    return destination === undefined ? this.entries : this.entries.filter((entry) => entry.destination === destination);
  }

  reset(): void {
    this.byOperation.clear();
    this.entries = [];
  }
}
