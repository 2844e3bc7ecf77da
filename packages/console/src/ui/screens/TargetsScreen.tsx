import { Box, Text } from 'ink';
import type { TargetActivity } from '../../app/metrics.js';
import { hookLabel, type DiscoveredSource } from '../../app/sources.js';
import type { StoredTarget } from '../../aws/targets-table.js';
import { targetLine, type TargetLine } from '../../commands/target-rows.js';
import { Sparkline } from '../components/Sparkline.js';
import { columnWidths, fit } from '../text.js';
import { visibleWindow } from '../window.js';

export interface TargetsScreenProps {
  source: DiscoveredSource;
  targets: readonly StoredTarget[];
  selected: number;
  activity: Readonly<Record<string, TargetActivity>>;
  width: number;
  height: number;
  colors: boolean;
}

/** The targets of one source, live: what they are, whether they are on, and delivered/failed records per minute. */
export function TargetsScreen({ source, targets, selected, activity, width, height, colors }: TargetsScreenProps) {
  // narrow terminals get shorter sparklines: the destination is what a person reads
  const sparkline = width >= 110 ? 16 : 10;
  const [id, type, destination, active, options, delivered, failed] = columnWidths(width - 2, [
    { min: 6, weight: 3 }, { width: 9 }, { min: 12, weight: 6 }, { width: 6 }, { min: 6, weight: 2 }, { width: sparkline }, { width: sparkline },
  ]);
  const { first, rows } = visibleWindow(targets, selected, height);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{source.name}</Text> ({source.kind}, hook {hookLabel(source)}) — {source.arn}
      </Text>
      <Text bold>
        {'  '}
        {fit('ID', id!)} {fit('TYPE', type!)} {fit('DESTINATION', destination!)} {fit('ACTIVE', active!)} {fit('OPTIONS', options!)}{' '}
        {fit('DELIVERED', delivered!)} {fit('FAILED', failed!)}
      </Text>
      {rows.map((stored, offset) => {
        const isSelected = first + offset === selected;
        const line: TargetLine = stored.target
          ? targetLine(stored.target)
          : { id: String(stored.row.id ?? ''), type: String(stored.row.type ?? ''), destination: String(stored.row.destination ?? ''), active: '', options: `INVALID: ${stored.problems.join('; ')}` };
        const series = activity[line.id];
        return (
          <Text key={line.id} inverse={isSelected && colors} wrap="truncate-end">
            {isSelected ? '› ' : '  '}
            {fit(line.id, id!)} {fit(line.type, type!)} {fit(line.destination, destination!)}{' '}
            <Text {...(colors ? { color: line.active === 'yes' ? 'green' : 'gray' } : {})}>{fit(line.active, active!)}</Text> {fit(line.options, options!)}{' '}
            <Sparkline values={series?.delivered} width={delivered!} color={colors ? 'green' : undefined} />{' '}
            <Sparkline values={series?.failed} width={failed!} color={colors ? 'red' : undefined} />
          </Text>
        );
      })}
      {targets.length === 0 ? <Text dimColor>no targets yet: press n to register one</Text> : null}
    </Box>
  );
}
