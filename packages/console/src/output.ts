export type OutputFormat = 'table' | 'json';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Text cut to `width` characters, ending with an ellipsis when it was longer. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Columns aligned under their headers, for people; long values are not cut (pipe to a pager). */
export function formatTable(rows: ReadonlyArray<Record<string, string>>, columns: readonly string[]): string {
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))].join('\n');
}

/** What a command did: a sentence or table for people, and data that stays stable for scripts. */
export interface CommandResult {
  text: string;
  data: unknown;
}

export function print(result: CommandResult, format: OutputFormat, io: Io): void {
  io.out(format === 'json' ? JSON.stringify(result.data, null, 2) : result.text);
}
