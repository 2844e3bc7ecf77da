import { cut } from '../output.js';

/** Text in exactly `width` characters: cut with an ellipsis when longer, padded when shorter; tables never wrap. */
export function fit(text: string, width: number): string {
  return cut(text, width).padEnd(Math.max(0, width));
}

/** A column of a table on screen: a fixed width, or a share of what is left (at least `min`, at most `max`). */
export interface ColumnSpec {
  width?: number;
  min?: number;
  /** The most it is worth: the longest value it shows; what it does not take goes to the others. */
  max?: number;
  weight?: number;
}

/**
 * Widths for columns that share `total` characters: fixed ones first; each flexible one gets its
 * minimum, and what is left is split among them by their weight (1 unless told), a column never
 * past its `max` (its share then goes to the others).
 */
export function columnWidths(total: number, columns: readonly ColumnSpec[], gap = 1): number[] {
  const widths = columns.map((column) => column.width ?? column.min ?? 0);
  const used = widths.reduce((sum, width) => sum + width, 0);
  let left = Math.max(0, total - used - gap * (columns.length - 1));
  let open = columns.flatMap((column, index) => (column.width === undefined ? [index] : []));
  const roomOf = (index: number) => Math.max(0, (columns[index]!.max ?? Number.POSITIVE_INFINITY) - widths[index]!);
  for (;;) {
    const weights = open.reduce((sum, index) => sum + (columns[index]!.weight ?? 1), 0);
    const share = (index: number) => Math.floor((left * (columns[index]!.weight ?? 1)) / Math.max(1, weights));
    // the columns that cannot take their share take what they are worth, and the rest is shared again
    const full = open.filter((index) => roomOf(index) <= share(index));
    if (full.length === 0) {
      for (const index of open) widths[index]! += share(index);
      return widths;
    }
    for (const index of full) {
      left -= roomOf(index);
      widths[index]! += roomOf(index);
    }
    open = open.filter((index) => !full.includes(index));
  }
}
