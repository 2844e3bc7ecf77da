import { Box, Text } from 'ink';
import type { DiscoveredSource } from '../../app/sources.js';
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

const HOOK_LABELS: Record<string, string> = { none: '—', enabled: 'enabled', paused: 'paused' };

/** Kinesis streams and DynamoDB tables with streams, whether the function reads them, their targets, how far behind it is. */
export function SourcesScreen({ sources, selected, filter, iteratorAge, width, height, colors }: SourcesScreenProps) {
  const [name, kind, hook, targets, lag] = columnWidths(width - 2, [{ min: 10 }, { width: 8 }, { width: 9 }, { width: 7 }, { width: 16 }]);
  const { first, rows } = visibleWindow(sources, selected, height);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {fit('SOURCE', name!)} {fit('KIND', kind!)} {fit('HOOK', hook!)} {fit('TARGETS', targets!)} {fit('LAG (1 h)', lag!)}
      </Text>
      {rows.map((source, offset) => {
        const isSelected = first + offset === selected;
        return (
          <Text key={source.arn} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {fit(source.name, name!)} {fit(source.kind, kind!)} {fit(HOOK_LABELS[source.hook] ?? source.hook, hook!)}{' '}
            {fit(`${source.targets.active}/${source.targets.all}`, targets!)}{' '}
            <Sparkline values={source.hook === 'none' ? undefined : iteratorAge} width={lag!} />
          </Text>
        );
      })}
      {sources.length === 0 ? <Text dimColor>{filter ? `no source matches "${filter}"` : 'no Kinesis stream and no DynamoDB table with a stream here'}</Text> : null}
      {filter !== undefined ? <Text>/{filter}</Text> : null}
    </Box>
  );
}
