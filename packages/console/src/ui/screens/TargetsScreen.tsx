import { Box, Text, useInput } from 'ink';
import type { TargetActivity } from '../../app/metrics.js';
import { hookLabel, type DiscoveredSource } from '../../app/sources.js';
import { statusCells, targetStatus, type TargetStatus } from '../../app/target-state.js';
import type { StoredTarget } from '../../aws/targets-table.js';
import { targetLine, type TargetLine } from '../../app/target-rows.js';
import { FilterLine } from '../components/FilterLine.js';
import { Notice } from '../components/Notice.js';
import { counterText, Sparkline } from '../components/Sparkline.js';
import type { Sources } from '../hooks/useSources.js';
import type { Targets } from '../hooks/useTargets.js';
import type { TargetsView } from '../hooks/useTargetsView.js';
import { cutStart, fit, tableLayout, type TableColumn } from '../text.js';
import { visibleWindow } from '../window.js';

export interface TargetsScreenProps {
  sourceArn: string;
  /** The source as the sources screen last read it. */
  source: DiscoveredSource | undefined;
  sources: Sources;
  targets: Targets;
  /** Their order and filter on this screen, and the selection. */
  view: TargetsView;
  activity: Readonly<Record<string, TargetActivity>>;
  onNew: () => void;
  onEdit: (stored: StoredTarget) => void;
  /** Enter: the target in full. */
  onOpen: (stored: StoredTarget) => void;
  /** l: the function's log (which the pane can narrow to the target). */
  onLog: (stored: StoredTarget | undefined) => void;
  onReload: () => void;
  onBack: () => void;
  isActive: boolean;
  width: number;
  height: number;
  colors: boolean;
}

/** Below this width the options have no column (the selected target's line below the table has them). */
const OPTIONS_MIN_WIDTH = 120;
/** Below this width the last error has no column either (the line below has the selected target's, whole). */
const LAST_ERROR_MIN_WIDTH = 120;

/** The last error's column at least: enough to say what failed (`HTTP 503 from https://…`) before the figures beside the sparklines get room. */
const LAST_ERROR_MIN = 20;

/** The source's line, the column titles and the selected target's line (and the filter's, when there is one). */
const CHROME_LINES = 3;

const STATE_COLOR: Record<string, string> = { ok: 'green', retrying: 'yellow', stuck: 'red' };

type Column = 'id' | 'type' | 'destination' | 'active' | 'state' | 'behind' | 'stored' | 'options' | 'delivered' | 'deliveredFigures' | 'failed' | 'failedFigures' | 'lastError';

function lineOf(stored: StoredTarget): TargetLine {
  return stored.target
    ? targetLine(stored.target)
    : { id: String(stored.row.id ?? ''), type: String(stored.row.type ?? ''), destination: String(stored.row.destination ?? ''), active: '', options: `INVALID: ${stored.problems.join('; ')}` };
}

const longest = (values: readonly string[], title: string) => Math.max(title.length, ...values.map((value) => value.length));

/** The selected target in words, whole: its state, how far behind, what its store holds, its last error, its figures (where the table has no room for them), its options. */
function detailOf(line: TargetLine, status: TargetStatus, now: number, figures: string): string {
  const cells = statusCells(status, now);
  return [
    `${line.id}: ${cells.state === '-' ? 'state not known (no progress table: deploy again)' : cells.state}`,
    status.behindSeconds !== undefined ? `behind ${cells.behind}` : '',
    status.stored ? `${status.stored} stored` : '',
    status.lastError ? `last error: ${status.lastError}` : '',
    figures,
    line.options,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Keys of the targets screen; `/` types a filter, which takes the keys until Enter or Esc. */
function useTargetsKeys({ source, sources, targets, view, onNew, onEdit, onOpen, onLog, onReload, onBack, isActive }: TargetsScreenProps) {
  useInput(
    (input, key) => {
      if (view.filter.take(input, key)) return;
      const { chosen } = view;
      const move = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : 0;
      if (move) view.move(move);
      else if (key.return && chosen) onOpen(chosen);
      else if (input === 'l') onLog(chosen);
      else if (input === 's') view.cycleSort();
      else if (input === ' ' && chosen) void targets.switchActive(chosen);
      else if (input === 'p' && source) void sources.switchPause(source);
      else if (input === 'h' && source) sources.switchHook(source);
      else if (input === 'x' && chosen) targets.unregister(chosen);
      else if (input === 'R' && chosen) void targets.redrive(chosen);
      else if (input === 'n') onNew();
      else if (input === 'e' && chosen) onEdit(chosen);
      else if (input === 'r') onReload();
      else if (key.escape) onBack();
    },
    { isActive },
  );
}

/**
 * The targets of one source, live: what they are, whether they are on, their state (ok, retrying,
 * stuck, since when), how far behind, what their failure store holds, and delivered/failed records
 * per minute. Columns give way on a narrow terminal, the least needed first, and titles shorten; a
 * destination too long for its column keeps its end. The line under the table says the selected
 * target's state, options and last error whole.
 */
export function TargetsScreen(props: TargetsScreenProps) {
  useTargetsKeys(props);
  const { sourceArn, source, targets, view, activity, width, height, colors } = props;
  const now = Date.now();
  const stored = view.shown;
  const filter = view.filter.text;
  const lines = stored.map(lineOf);
  const statuses = lines.map((line) => targetStatus(targets.value?.states, line.id, now));
  const cells = statuses.map((status) => statusCells(status, now));
  // narrow terminals get shorter sparklines: the id and the destination are what a person reads
  const sparkline = width >= 140 ? 16 : width >= 100 ? 10 : 6;
  // beside each sparkline, its last minute's and its hour's figures
  const figures = Object.fromEntries(lines.map((line) => [line.id, { delivered: counterText(activity[line.id]?.delivered), failed: counterText(activity[line.id]?.failed) }]));
  const figuresWidth = (counter: 'delivered' | 'failed') => longest(lines.map((line) => figures[line.id]![counter]), '');
  // the figures are columns of their own, the last to get room: without it, the line under the table says the selected target's
  const figuresColumn = (counter: 'delivered' | 'failed', priority: number): Array<TableColumn<Column>> =>
    figuresWidth(counter) > 0 ? [{ name: `${counter}Figures`, titles: [''], width: figuresWidth(counter), priority }] : [];
  const idWidth = longest(lines.map((line) => line.id), 'ID');
  const destinationWidth = longest(lines.map((line) => line.destination), 'DESTINATION');
  const specs: Array<TableColumn<Column>> = [
    { name: 'id', titles: ['ID'], min: Math.min(idWidth, 16), weight: 1, max: idWidth, priority: 0 },
    { name: 'type', titles: ['TYPE'], width: longest(lines.map((line) => line.type), 'TYPE'), priority: 4 },
    // a third of the width before the columns below it in priority get any
    { name: 'destination', titles: ['DESTINATION', 'DEST'], min: Math.min(destinationWidth, Math.max(12, Math.floor(width / 3))), weight: 8, max: destinationWidth, priority: 1 },
    { name: 'active', titles: ['ACTIVE', 'ON'], width: width >= 100 ? 6 : 3, priority: 3 },
    { name: 'state', titles: ['STATE'], width: longest(cells.map((cell) => cell.state), 'STATE'), priority: 2 },
    { name: 'behind', titles: ['BEHIND'], width: 6, priority: 8 },
    { name: 'stored', titles: ['STORED'], width: 6, priority: 7 },
    ...(width >= OPTIONS_MIN_WIDTH ? [{ name: 'options' as const, titles: ['OPTIONS'], min: 7, weight: 2, max: longest(lines.map((line) => line.options), 'OPTIONS'), priority: 9 }] : []),
    { name: 'delivered', titles: ['DELIVERED', 'DELIV'], width: sparkline, priority: 5 },
    ...figuresColumn('delivered', 11),
    { name: 'failed', titles: ['FAILED', 'FAIL'], width: sparkline, priority: 6 },
    ...figuresColumn('failed', 12),
    ...(width >= LAST_ERROR_MIN_WIDTH && cells.some((cell) => cell.lastError) ? [{ name: 'lastError' as const, titles: ['LAST ERROR'], min: LAST_ERROR_MIN, weight: 4, priority: 10 }] : []),
  ];
  const columns = tableLayout(width - 2, specs);
  const { first, rows } = visibleWindow(stored, view.selected, height - CHROME_LINES - (filter !== undefined ? 1 : 0));
  const chosen = lines[view.selected];
  const chosenState = statuses[view.selected]?.state;

  const cell = (name: Column, index: number, columnWidth: number) => {
    const line = lines[index]!;
    const state = cells[index]!;
    const series = activity[line.id];
    const stateColor = colors ? STATE_COLOR[statuses[index]!.state ?? ''] : undefined;
    switch (name) {
      case 'destination':
        return fit(cutStart(line.destination, columnWidth), columnWidth);
      case 'active':
        return <Text {...(colors ? { color: line.active === 'yes' ? 'green' : 'gray' } : {})}>{fit(line.active, columnWidth)}</Text>;
      case 'state':
        return <Text {...(stateColor ? { color: stateColor } : {})}>{fit(state.state, columnWidth)}</Text>;
      case 'delivered':
        return <Sparkline values={series?.delivered} width={columnWidth} color={colors ? 'green' : undefined} />;
      case 'failed':
        return <Sparkline values={series?.failed} width={columnWidth} color={colors ? 'red' : undefined} />;
      case 'deliveredFigures':
        return fit(figures[line.id]!.delivered, columnWidth);
      case 'failedFigures':
        return fit(figures[line.id]!.failed, columnWidth);
      case 'behind':
      case 'stored':
      case 'lastError':
        return fit(state[name], columnWidth);
      default:
        return fit(line[name], columnWidth);
    }
  };

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{source?.name ?? sourceArn}</Text>
        {view.sort !== 'id' ? <Text dimColor>{` sorted by ${view.sort}`}</Text> : ''}
        {source ? ` (${source.kind}, hook ${hookLabel(source)}) — ${sourceArn}` : ''}
      </Text>
      <Text bold wrap="truncate-end">
        {'  '}
        {columns.map((column) => column.title).join(' ')}
      </Text>
      {rows.map((_, offset) => {
        const index = first + offset;
        const isSelected = index === view.selected;
        return (
          <Text key={lines[index]!.id} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {columns.map((column, at) => (
              <Text key={column.name}>
                {at > 0 ? ' ' : ''}
                {cell(column.name, index, column.width)}
              </Text>
            ))}
          </Text>
        );
      })}
      {stored.length === 0 ? (
        <Notice
          loading={targets.value === undefined && !targets.error ? `loading… the targets of ${source?.name ?? sourceArn}` : ''}
          error={targets.value === undefined && targets.error ? `could not read the targets: ${targets.error}` : undefined}
          empty={filter ? `no target matches "${filter}"` : 'no targets yet: press n to register one'}
        />
      ) : null}
      {chosen ? (
        <Text wrap="truncate-end" {...(colors && chosenState && chosenState !== 'ok' ? { color: STATE_COLOR[chosenState] } : { dimColor: true })}>
          {fit(detailOf(chosen, statuses[view.selected]!, now, columns.some((column) => column.name === 'failedFigures') || !figures[chosen.id]!.delivered ? '' : `delivered ${figures[chosen.id]!.delivered} · failed ${figures[chosen.id]!.failed}`), width)}
        </Text>
      ) : null}
      <FilterLine text={filter} />
    </Box>
  );
}
