import { Text } from 'ink';
import { sparkline } from '../../app/metrics.js';

export function Sparkline({ values, width, color }: { values: readonly number[] | undefined; width: number; color?: string | undefined }) {
  if (!values) return <Text dimColor>{'·'.repeat(Math.max(0, width))}</Text>;
  return <Text {...(color ? { color } : {})}>{sparkline(values, width).padEnd(width)}</Text>;
}
