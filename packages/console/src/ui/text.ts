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

/**
 * Text in `width` characters, cut at its start when longer, from a separator near the cut:
 * `…/123456789012/orders-queue`. What tells two destinations apart is their end (the queue, the
 * topic), not the start they share (the endpoint, the account).
 */
export function cutStart(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return '…'.slice(0, Math.max(0, width));
  const tail = text.slice(text.length - (width - 1));
  const separator = tail.search(/[/:#]/);
  return `…${separator > 0 && separator < tail.length / 3 ? tail.slice(separator) : tail}`;
}

/** A column of a table that gives way as the terminal narrows. */
export interface TableColumn<Name extends string> extends ColumnSpec {
  name: Name;
  /** Its titles, longest first: the longest that fits the column's width is shown. */
  titles: readonly string[];
  /** Which columns stay as the terminal narrows: the lowest first; the others are left out, in their turn, while they do not fit. */
  priority: number;
}

export interface LaidColumn<Name extends string> {
  name: Name;
  width: number;
  title: string;
}

/** The columns that fit in `total` characters, in their order, each with its width and the title that fits it. */
export function tableLayout<Name extends string>(total: number, columns: ReadonlyArray<TableColumn<Name>>, gap = 1): Array<LaidColumn<Name>> {
  const kept = new Set<TableColumn<Name>>();
  let used = 0;
  for (const column of [...columns].sort((a, b) => a.priority - b.priority)) {
    const needs = (column.width ?? column.min ?? 0) + (kept.size > 0 ? gap : 0);
    if (used + needs > total) continue;
    kept.add(column);
    used += needs;
  }
  const shown = columns.filter((column) => kept.has(column));
  const widths = columnWidths(total, shown, gap);
  return shown.map((column, index) => {
    const width = widths[index]!;
    return { name: column.name, width, title: fit(column.titles.find((title) => title.length <= width) ?? column.titles.at(-1)!, width) };
  });
}
