/** Cuts text to `width` characters, ending with an ellipsis when it was longer: tables never wrap. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text.padEnd(width);
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/**
 * Widths for columns that share `total` characters: fixed ones first, the rest split among the
 * flexible ones by their weight (1 unless told).
 */
export function columnWidths(total: number, columns: ReadonlyArray<{ width?: number; min?: number; weight?: number }>, gap = 1): number[] {
  const fixed = columns.reduce((sum, column) => sum + (column.width ?? 0), 0);
  const weights = columns.reduce((sum, column) => sum + (column.width === undefined ? (column.weight ?? 1) : 0), 0);
  const left = Math.max(0, total - fixed - gap * (columns.length - 1));
  return columns.map((column) => column.width ?? Math.max(column.min ?? 0, Math.floor((left * (column.weight ?? 1)) / Math.max(1, weights))));
}
