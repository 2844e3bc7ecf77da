/** What the proxy did with the requests of one operation (or of all: `total`). */
export interface OperationCounters<Kind extends string> {
  /** Requests seen. */
  requests: number;
  /** Requests forwarded to the upstream (whatever the client was told afterwards). */
  forwarded: number;
  /** Faults injected, by kind. */
  faults: Record<Kind, number>;
  /** Entries forwarded: a batch's entries that went upstream, one for a call of a single entry. */
  entriesForwarded: number;
  /** Entries a partial failure reported failed. */
  entriesFailed: number;
}

export interface Counters<Kind extends string> {
  total: OperationCounters<Kind>;
  /** By operation name (`sqs.SendMessageBatch`, `kinesis.GetRecords`, `http`...), those seen only. */
  operations: Record<string, OperationCounters<Kind>>;
}

type Counted = Exclude<keyof OperationCounters<string>, 'faults'>;

/** Counts per operation and in total; a snapshot is a copy the proxy does not change afterwards. */
export class Tally<Kind extends string> {
  private operations = new Map<string, OperationCounters<Kind>>();
  private total: OperationCounters<Kind>;

  constructor(private readonly kinds: readonly Kind[]) {
    this.total = this.zero();
  }

  add(operation: string, counter: Counted, by = 1): void {
    for (const counters of [this.total, this.of(operation)]) counters[counter] += by;
  }

  fault(operation: string, kind: Kind): void {
    for (const counters of [this.total, this.of(operation)]) counters.faults[kind] += 1;
  }

  snapshot(): Counters<Kind> {
    return {
      total: copy(this.total),
      operations: Object.fromEntries([...this.operations].map(([operation, counters]) => [operation, copy(counters)])),
    };
  }

  /** One operation's counters; zeros for an operation not seen. */
  snapshotOf(operation: string): OperationCounters<Kind> {
    return copy(this.operations.get(operation) ?? this.zero());
  }

  reset(): void {
    this.operations.clear();
    this.total = this.zero();
  }

  private of(operation: string): OperationCounters<Kind> {
    let counters = this.operations.get(operation);
    if (!counters) this.operations.set(operation, (counters = this.zero()));
    return counters;
  }

  private zero(): OperationCounters<Kind> {
    const faults = Object.fromEntries(this.kinds.map((kind) => [kind, 0])) as Record<Kind, number>;
    return { requests: 0, forwarded: 0, faults, entriesForwarded: 0, entriesFailed: 0 };
  }
}

function copy<Kind extends string>(counters: OperationCounters<Kind>): OperationCounters<Kind> {
  return { ...counters, faults: { ...counters.faults } };
}
