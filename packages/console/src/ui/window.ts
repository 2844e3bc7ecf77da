/** The rows that fit in `height` lines, keeping the selected one in view: long lists stay fast to draw. */
export function visibleWindow<Row>(rows: readonly Row[], selected: number, height: number): { first: number; rows: readonly Row[] } {
  const size = Math.max(1, height);
  const first = Math.min(Math.max(0, selected - size + 1), Math.max(0, rows.length - size));
  return { first, rows: rows.slice(first, first + size) };
}
