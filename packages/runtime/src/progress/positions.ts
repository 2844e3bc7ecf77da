import type { FanoutRecord } from '../records/index.js';

/**
 * Where a record stands in its shard: its sequence number and, for a KPL sub-record, its
 * sub-sequence number. Written `SEQUENCE` or `SEQUENCE.SUB`; positions of one shard compare as
 * numbers (sequence numbers are decimal strings up to 128 digits).
 */
export type Position = string;

export function positionOf(record: Pick<FanoutRecord, 'sequenceNumber' | 'subSequenceNumber'>): Position {
  return record.subSequenceNumber === undefined ? record.sequenceNumber : `${record.sequenceNumber}.${record.subSequenceNumber}`;
}

function parts(position: Position): [bigint, number] {
  const [sequence, sub] = position.split('.');
  return [BigInt(sequence!), sub === undefined ? -1 : Number(sub)];
}

export function comparePositions(a: Position, b: Position): number {
  const [sequenceA, subA] = parts(a);
  const [sequenceB, subB] = parts(b);
  if (sequenceA !== sequenceB) return sequenceA < sequenceB ? -1 : 1;
  return subA - subB;
}

/** Runs of positions taken, each [first, last] inclusive, in record order. */
export type TakenRanges = Array<[Position, Position]>;

/** The runs of `taken` records among `records` (in record order). */
export function takenRanges<Item>(records: readonly Item[], position: (item: Item) => Position, taken: (item: Item) => boolean): TakenRanges {
  const ranges: TakenRanges = [];
  let run: [Position, Position] | undefined;
  for (const record of records) {
    if (!taken(record)) {
      run = undefined;
      continue;
    }
    const at = position(record);
    if (run) run[1] = at;
    else {
      run = [at, at];
      ranges.push(run);
    }
  }
  return ranges;
}

export function inRanges(position: Position, ranges: TakenRanges): boolean {
  return ranges.some(([first, last]) => comparePositions(first, position) <= 0 && comparePositions(position, last) <= 0);
}
