import { Box, Text, useInput } from 'ink';
import { hookLabel, type DiscoveredSource } from '../../app/sources.js';
import type { SourceLag } from '../../app/source-lag.js';
import { duration } from '../../app/target-state.js';
import { FilterLine } from '../components/FilterLine.js';
import { Notice } from '../components/Notice.js';
import { SparkFigures } from '../components/Sparkline.js';
import type { Sources } from '../hooks/useSources.js';
import { fit, tableLayout, type TableColumn } from '../text.js';
import { visibleWindow } from '../window.js';

export interface SourcesScreenProps {
  sources: Sources;
  onOpen: (source: DiscoveredSource) => void;
  onReload: () => void;
  onDeploy: () => void;
  onDestroy: () => void;
  isActive: boolean;
  width: number;
  height: number;
  colors: boolean;
}

/** The HOOK column: wide enough for `enabled`, and for the consumer a hook reads through up to this. */
const HOOK_WIDTH = 9;
const HOOK_WIDTH_WITH_CONSUMER = 28;

const hookText = (source: DiscoveredSource) => (source.hook === 'none' ? '—' : hookLabel(source));

/** The TARGETS column: `active/all`, and ` stuck` beside it when some target is. */
const TARGETS_WIDTH = 7;
const STUCK_MARK = ' stuck';

type Column = 'name' | 'kind' | 'hook' | 'targets' | 'lag';

/** The lag now beside its sparkline: `350ms`, `12s`, `3m`; nothing while the function reads none of the source's shards. */
function lagText(lag: SourceLag | undefined): string {
  if (lag?.nowMs === undefined) return '';
  return lag.nowMs < 1_000 ? `${lag.nowMs}ms` : duration(lag.nowMs / 1_000);
}
/** The figures beside the lag's sparkline: `999ms` at most. */
const LAG_FIGURES_WIDTH = 5;

/** Keys of the sources screen; `/` types a filter, which takes the keys until Enter or Esc. */
function useSourcesKeys({ sources, onOpen, onReload, onDeploy, onDestroy, isActive }: SourcesScreenProps) {
  const selected = sources.shown[sources.selected];
  useInput(
    (input, key) => {
      if (sources.filter.take(input, key)) return;
      const move = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : 0;
      if (move) sources.move(move);
      else if (key.return && selected) onOpen(selected);
      else if (input === 'r') onReload();
      else if (input === 'p' && selected) void sources.switchPause(selected);
      else if (input === 'h' && selected) sources.switchHook(selected);
      else if (input === 'd') onDeploy();
      else if (input === 'X') onDestroy();
    },
    { isActive },
  );
}

export interface SourcesTableProps {
  sources: readonly DiscoveredSource[];
  selected: number;
  filter: string | undefined;
  /** How far behind the function is on a source, when known. */
  lagOf: (sourceArn: string) => SourceLag | undefined;
  /** What to say when there is no source to show: loading, why they could not be read, or that there are none. */
  notice: { loading: string; error: string | undefined; empty: string };
  width: number;
  height: number;
  colors: boolean;
}

/**
 * Kinesis streams and DynamoDB tables with streams, whether the function reads them, their targets
 * (marked `stuck` when one is), how far behind it is. Columns give way as the terminal narrows.
 */
export function SourcesTable({ sources, selected, filter, lagOf, notice, width, height, colors }: SourcesTableProps) {
  const hookWidth = sources.reduce((widest, source) => (source.consumer === undefined ? widest : Math.max(widest, hookText(source).length)), HOOK_WIDTH);
  const counts = sources.map((source) => `${source.targets.active}/${source.targets.all}`);
  const targetsWidth = Math.max(TARGETS_WIDTH, ...sources.map((source, index) => counts[index]!.length + (source.stuck > 0 ? STUCK_MARK.length : 0)));
  const specs: Array<TableColumn<Column>> = [
    { name: 'name', titles: ['SOURCE'], min: 10, priority: 0 },
    { name: 'kind', titles: ['KIND'], width: 8, priority: 3 },
    { name: 'hook', titles: ['HOOK'], width: Math.min(hookWidth, HOOK_WIDTH_WITH_CONSUMER), priority: 1 },
    { name: 'targets', titles: ['TARGETS', 'TGTS'], width: targetsWidth, priority: 2 },
    { name: 'lag', titles: ['LAG (1 h)', 'LAG'], width: (width >= 100 ? 16 : 10) + 1 + LAG_FIGURES_WIDTH, priority: 4 },
  ];
  const columns = tableLayout(width - 2, specs);
  const filterLine = filter !== undefined ? 1 : 0;
  const { first, rows } = visibleWindow(sources, selected, height - 1 - filterLine);

  const cell = (name: Column, source: DiscoveredSource, index: number, columnWidth: number) => {
    if (name === 'name') return fit(source.name, columnWidth);
    if (name === 'kind') return fit(source.kind, columnWidth);
    if (name === 'hook') return fit(hookText(source), columnWidth);
    if (name === 'lag') {
      const lag = source.hook === 'none' ? undefined : lagOf(source.arn);
      return <SparkFigures values={lag?.perMinute} figures={lagText(lag)} sparkWidth={columnWidth - 1 - LAG_FIGURES_WIDTH} width={columnWidth} />;
    }
    const count = counts[index]!;
    if (source.stuck === 0) return fit(count, columnWidth);
    return (
      <>
        {count}
        <Text {...(colors ? { color: 'red', bold: true } : {})}>{STUCK_MARK}</Text>
        {' '.repeat(Math.max(0, columnWidth - count.length - STUCK_MARK.length))}
      </>
    );
  };

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'  '}
        {columns.map((column) => column.title).join(' ')}
      </Text>
      {rows.map((source, offset) => {
        const index = first + offset;
        const isSelected = index === selected;
        return (
          <Text key={source.arn} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {columns.map((column, at) => (
              <Text key={column.name}>
                {at > 0 ? ' ' : ''}
                {cell(column.name, source, index, column.width)}
              </Text>
            ))}
          </Text>
        );
      })}
      {sources.length === 0 ? <Notice {...notice} /> : null}
      <FilterLine text={filter} />
    </Box>
  );
}

/** The sources screen: its table, and its keys. */
export function SourcesScreen(props: SourcesScreenProps) {
  useSourcesKeys(props);
  const { sources, width, height, colors } = props;
  const { list, filter } = sources;
  const region = sources.header.value?.region;
  const notice = {
    loading: list.value === undefined && !list.error ? 'loading… the Kinesis streams and the DynamoDB tables with a stream' : '',
    error: list.value === undefined && list.error ? `could not read the sources: ${list.error}` : undefined,
    empty: filter.text ? `no source matches "${filter.text}"` : `no Kinesis stream and no DynamoDB table with a stream in ${region ?? 'this region'}`,
  };
  return (
    <SourcesTable sources={sources.shown} selected={sources.selected} filter={filter.text} lagOf={(arn) => sources.lags?.get(arn)} notice={notice} width={width} height={height} colors={colors} />
  );
}
