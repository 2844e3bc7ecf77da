import { Box, Text } from 'ink';
import type { TargetActivity } from '../../app/metrics.js';
import { hookLabel, type DiscoveredSource } from '../../app/sources.js';
import { statusCells, targetStatus, type SourceStates, type TargetStatus } from '../../app/target-state.js';
import type { StoredTarget } from '../../aws/targets-table.js';
import { targetLine, type TargetLine } from '../../app/target-rows.js';
import { Sparkline } from '../components/Sparkline.js';
import { columnWidths, fit, type ColumnSpec } from '../text.js';
import { visibleWindow } from '../window.js';

export interface TargetsScreenProps {
  source: DiscoveredSource;
  targets: readonly StoredTarget[];
  /** The targets' states, read with them; undefined until read. */
  states: SourceStates | undefined;
  selected: number;
  activity: Readonly<Record<string, TargetActivity>>;
  width: number;
  height: number;
  colors: boolean;
}

/** Below this width the options have no column (the selected target's line below the table has them). */
const OPTIONS_MIN_WIDTH = 120;
/** Below this width the last error has no column either (the line below has the selected target's, whole). */
const LAST_ERROR_MIN_WIDTH = 120;

const STATE_COLOR: Record<string, string> = { ok: 'green', retrying: 'yellow', stuck: 'red' };

function lineOf(stored: StoredTarget): TargetLine {
  return stored.target
    ? targetLine(stored.target)
    : { id: String(stored.row.id ?? ''), type: String(stored.row.type ?? ''), destination: String(stored.row.destination ?? ''), active: '', options: `INVALID: ${stored.problems.join('; ')}` };
}

const HEADERS: Record<string, string> = {
  id: 'ID',
  type: 'TYPE',
  destination: 'DESTINATION',
  active: 'ACTIVE',
  state: 'STATE',
  behind: 'BEHIND',
  stored: 'STORED',
  options: 'OPTIONS',
  delivered: 'DELIVERED',
  failed: 'FAILED',
  lastError: 'LAST ERROR',
};

/** A column's title; a sparkline narrower than DELIVERED says DELIV. */
const headerOf = (name: string, width: number) => (name === 'delivered' && width < HEADERS.delivered!.length ? 'DELIV' : HEADERS[name]!);

const longest = (values: readonly string[], header: string) => Math.max(header.length, ...values.map((value) => value.length));

/** The selected target in words, whole: its state, how far behind, what its store holds, its last error, its options. */
function detailOf(line: TargetLine, status: TargetStatus, now: number): string {
  const cells = statusCells(status, now);
  return [
    `${line.id}: ${cells.state === '-' ? 'state not known (no progress table: deploy again)' : cells.state}`,
    status.behindSeconds !== undefined ? `behind ${cells.behind}` : '',
    status.stored ? `${status.stored} stored` : '',
    status.lastError ? `last error: ${status.lastError}` : '',
    line.options,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * The targets of one source, live: what they are, whether they are on, their state (ok, retrying,
 * stuck, since when), how far behind, what their failure store holds, and delivered/failed records
 * per minute. Columns give way on a narrow terminal; the line under the table says the selected
 * target's state, options and last error whole.
 */
export function TargetsScreen({ source, targets, states, selected, activity, width, height, colors }: TargetsScreenProps) {
  const now = Date.now();
  const lines = targets.map(lineOf);
  const statuses = lines.map((line) => targetStatus(states, line.id, now));
  const cells = statuses.map((status) => statusCells(status, now));
  const showOptions = width >= OPTIONS_MIN_WIDTH;
  const showLastError = width >= LAST_ERROR_MIN_WIDTH && cells.some((cell) => cell.lastError);
  // narrow terminals get shorter sparklines: the id and the destination are what a person reads
  const sparkline = width >= 140 ? 16 : width >= 100 ? 10 : 6;
  // the id whole, up to a length, before the destination gets more
  const idWidth = longest(lines.map((line) => line.id), HEADERS.id!);
  const specs: Array<[string, ColumnSpec]> = [
    ['id', { min: Math.min(idWidth, width >= 100 ? 16 : 7), weight: 1, max: idWidth }],
    ['type', { width: 9 }],
    ['destination', { min: 12, weight: 8, max: longest(lines.map((line) => line.destination), HEADERS.destination!) }],
    ['active', { width: 6 }],
    // `retrying 59m`
    ['state', { width: 12 }],
    ['behind', { width: 6 }],
    ['stored', { width: 6 }],
    ...(showOptions ? [['options', { min: 7, weight: 2, max: longest(lines.map((line) => line.options), HEADERS.options!) }] as [string, ColumnSpec]] : []),
    ['delivered', { width: sparkline }],
    ['failed', { width: sparkline }],
    ...(showLastError ? [['lastError', { min: 10, weight: 4 }] as [string, ColumnSpec]] : []),
  ];
  const widths = Object.fromEntries(columnWidths(width - 2, specs.map(([, spec]) => spec)).map((columnWidth, index) => [specs[index]![0], columnWidth]));
  const column = (name: string, text: string) => (widths[name] === undefined ? '' : `${fit(text, widths[name])} `);
  // the title, the column titles and the selected target's line
  const { first, rows } = visibleWindow(targets, selected, height - 1);
  const chosen = lines[selected];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{source.name}</Text> ({source.kind}, hook {hookLabel(source)}) — {source.arn}
      </Text>
      <Text bold wrap="truncate-end">
        {'  '}
        {specs.map(([name]) => fit(headerOf(name, widths[name]!), widths[name]!)).join(' ')}
      </Text>
      {rows.map((_, offset) => {
        const index = first + offset;
        const isSelected = index === selected;
        const line = lines[index]!;
        const cell = cells[index]!;
        const series = activity[line.id];
        const stateColor = colors ? STATE_COLOR[statuses[index]!.state ?? ''] : undefined;
        return (
          <Text key={line.id} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {column('id', line.id)}
            {column('type', line.type)}
            {column('destination', line.destination)}
            <Text {...(colors ? { color: line.active === 'yes' ? 'green' : 'gray' } : {})}>{column('active', line.active)}</Text>
            <Text {...(stateColor ? { color: stateColor } : {})}>{column('state', cell.state)}</Text>
            {column('behind', cell.behind)}
            {column('stored', cell.stored)}
            {column('options', line.options)}
            <Sparkline values={series?.delivered} width={widths.delivered!} color={colors ? 'green' : undefined} />{' '}
            <Sparkline values={series?.failed} width={widths.failed!} color={colors ? 'red' : undefined} />
            {showLastError ? ` ${fit(cell.lastError, widths.lastError!)}` : ''}
          </Text>
        );
      })}
      {targets.length === 0 ? <Text dimColor>no targets yet: press n to register one</Text> : null}
      {chosen ? (
        <Text wrap="truncate-end" {...(colors && statuses[selected]!.state && statuses[selected]!.state !== 'ok' ? { color: STATE_COLOR[statuses[selected]!.state] } : { dimColor: true })}>
          {fit(detailOf(chosen, statuses[selected]!, now), width)}
        </Text>
      ) : null}
    </Box>
  );
}
