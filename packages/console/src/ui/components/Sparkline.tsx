import { Text } from 'ink';
import { counterFigures } from '../../app/target-detail.js';
import { sparkline } from '../../app/metrics.js';

export function Sparkline({ values, width, color }: { values: readonly number[] | undefined; width: number; color?: string | undefined }) {
  if (!values) return <Text dimColor>{'·'.repeat(Math.max(0, width))}</Text>;
  return <Text {...(color ? { color } : {})}>{sparkline(values, width).padEnd(width)}</Text>;
}

/** A counter's numbers beside its sparkline: records in the last whole minute, and over the hour (`12/m 340/h`). */
export function counterText(perMinute: readonly number[] | undefined): string {
  if (!perMinute) return '';
  const { lastMinute, total } = counterFigures(perMinute);
  return `${lastMinute}/m ${total}/h`;
}

/** A sparkline of `sparkWidth` and, after it, `figures` (a counter's numbers, the lag now) in what is left of `width`. */
export function SparkFigures({ values, figures, sparkWidth, width, color }: { values: readonly number[] | undefined; figures: string; sparkWidth: number; width: number; color?: string | undefined }) {
  const room = Math.max(0, width - sparkWidth - 1);
  return (
    <>
      <Sparkline values={values} width={Math.min(sparkWidth, width)} color={color} />
      {room > 0 ? ` ${figures.slice(0, room).padEnd(room)}` : ''}
    </>
  );
}
