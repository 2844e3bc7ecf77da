import { Box, Text } from 'ink';
import { hookLabel, type DiscoveredSource } from '../../app/sources.js';
import { Sparkline } from '../components/Sparkline.js';
import { columnWidths, fit } from '../text.js';
import { visibleWindow } from '../window.js';

export interface SourcesScreenProps {
  sources: readonly DiscoveredSource[];
  selected: number;
  filter: string | undefined;
  iteratorAge: readonly number[] | undefined;
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

/**
 * Kinesis streams and DynamoDB tables with streams, whether the function reads them, their targets
 * (marked `stuck` when one is), how far behind it is.
 */
export function SourcesScreen({ sources, selected, filter, iteratorAge, width, height, colors }: SourcesScreenProps) {
  const hookWidth = sources.reduce((widest, source) => (source.consumer === undefined ? widest : Math.max(widest, hookText(source).length)), HOOK_WIDTH);
  const counts = sources.map((source) => `${source.targets.active}/${source.targets.all}`);
  const targetsWidth = Math.max(TARGETS_WIDTH, ...sources.map((source, index) => counts[index]!.length + (source.stuck > 0 ? STUCK_MARK.length : 0)));
  const [name, kind, hook, targets, lag] = columnWidths(width - 2, [
    { min: 10 }, { width: 8 }, { width: Math.min(hookWidth, HOOK_WIDTH_WITH_CONSUMER) }, { width: targetsWidth }, { width: 16 },
  ]);
  const { first, rows } = visibleWindow(sources, selected, height);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {fit('SOURCE', name!)} {fit('KIND', kind!)} {fit('HOOK', hook!)} {fit('TARGETS', targets!)} {fit('LAG (1 h)', lag!)}
      </Text>
      {rows.map((source, offset) => {
        const isSelected = first + offset === selected;
        const count = counts[first + offset]!;
        return (
          <Text key={source.arn} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {fit(source.name, name!)} {fit(source.kind, kind!)} {fit(hookText(source), hook!)} {count}
            {source.stuck > 0 ? <Text {...(colors ? { color: 'red', bold: true } : {})}>{STUCK_MARK}</Text> : null}
            {' '.repeat(Math.max(0, targets! - count.length - (source.stuck > 0 ? STUCK_MARK.length : 0)))}{' '}
            <Sparkline values={source.hook === 'none' ? undefined : iteratorAge} width={lag!} />
          </Text>
        );
      })}
      {sources.length === 0 ? <Text dimColor>{filter ? `no source matches "${filter}"` : 'no Kinesis stream and no DynamoDB table with a stream here'}</Text> : null}
      {filter !== undefined ? <Text>/{filter}</Text> : null}
    </Box>
  );
}
