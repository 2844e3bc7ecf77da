import { CloudWatchClient, paginateGetMetricData, type Dimension, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_METRICS_NAMESPACE, metricDimensions, type MetricName } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';

const MINUTE_MS = 60_000;
/** GetMetricData takes at most 500 queries per request. */
const QUERIES_PER_REQUEST = 500;
const BLOCKS = '▁▂▃▄▅▆▇█';

/** A time window of whole minutes: `minutes` of them, the last one holding `until`. */
export interface MinuteWindow {
  minutes?: number;
  until?: Date;
}

/** A target's records per minute, oldest first. */
export interface TargetActivity {
  delivered: number[];
  failed: number[];
}

/** The runtime's per-target counters the console shows. */
export type TargetCounter = Extract<MetricName, 'Delivered' | 'Failed' | 'Rejected'>;

export interface TargetSparklinesRequest extends MinuteWindow {
  functionName: string;
  sourceArn: string;
  targetIds: readonly string[];
  /** The function's METRICS_NAMESPACE, when it is not the default Custom/FanOut. */
  namespace?: string;
}

/**
 * The runtime's Delivered and Failed counters of each target of a source, per minute over the
 * window (the last hour by default), in one GetMetricData call for up to 250 targets.
 */
export async function targetSparklines(context: AwsContext, request: TargetSparklinesRequest): Promise<Record<string, TargetActivity>> {
  const series = await targetCounterSeries(context, request, ['Delivered', 'Failed']);
  return Object.fromEntries(Object.entries(series).map(([target, { Delivered, Failed }]) => [target, { delivered: Delivered, failed: Failed }]));
}

/** The counters of each target of a source, per minute over the window, each a sum of the minute; 500 queries a request. */
export async function targetCounterSeries<Counter extends TargetCounter>(
  context: AwsContext,
  { functionName, sourceArn, targetIds, namespace = DEFAULT_METRICS_NAMESPACE, ...window }: TargetSparklinesRequest,
  counters: readonly Counter[],
): Promise<Record<string, Record<Counter, number[]>>> {
  const queryId = (counter: Counter, index: number) => `${counter.toLowerCase()}${index}`;
  const query = (counter: Counter, index: number, target: string): MetricDataQuery => ({
    Id: queryId(counter, index),
    MetricStat: { Metric: { Namespace: namespace, MetricName: counter, Dimensions: dimensions(metricDimensions(functionName, sourceArn, target)) }, Period: 60, Stat: 'Sum' },
  });
  const series = await minuteSeries(
    context,
    targetIds.flatMap((target, index) => counters.map((counter) => query(counter, index, target))),
    window,
  );
  return Object.fromEntries(
    targetIds.map((target, index) => [target, Object.fromEntries(counters.map((counter) => [counter, series.get(queryId(counter, index))!])) as Record<Counter, number[]>]),
  );
}

export interface IteratorAgeRequest extends MinuteWindow {
  functionName: string;
}

/**
 * The function's AWS/Lambda IteratorAge per minute, in milliseconds: the age of the last record of
 * a batch when the function finished it, the largest of the minute. Lambda publishes it per
 * function (dimension FunctionName; per version or alias with Resource), not per event source
 * mapping, so for a function hooked to several streams it is the largest over all of them.
 */
export async function iteratorAgeSeries(context: AwsContext, { functionName, ...window }: IteratorAgeRequest): Promise<number[]> {
  const series = await minuteSeries(
    context,
    [{ Id: 'iteratorAge', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'IteratorAge', Dimensions: dimensions({ FunctionName: functionName }) }, Period: 60, Stat: 'Maximum' } }],
    window,
  );
  return series.get('iteratorAge')!;
}

/**
 * `values` (oldest first) as block characters, scaled to the largest: zero is ▁ (so is anything
 * but a positive number), the largest █, any other value at least ▂. More values than `width` are
 * squeezed into it, each character the largest of its run of values, so that the whole window
 * stays in view and a spike never disappears.
 */
export function sparkline(values: readonly number[], width: number): string {
  const columns = Math.min(values.length, Math.max(0, Math.floor(width)));
  const shown = Array.from({ length: columns }, (_, column) => {
    const run = values.slice(Math.floor((column * values.length) / columns), Math.floor(((column + 1) * values.length) / columns));
    return Math.max(0, ...run.map((value) => (Number.isFinite(value) && value > 0 ? value : 0)));
  });
  const largest = Math.max(0, ...shown);
  return shown.map((value) => BLOCKS[value === 0 ? 0 : Math.max(1, Math.round((value / largest) * (BLOCKS.length - 1)))]).join('');
}

function dimensions(values: Record<string, string>): Dimension[] {
  return Object.entries(values).map(([Name, Value]) => ({ Name, Value }));
}

/** The window's whole minutes: how many, and the first of them as minutes since the epoch (the last holds `until`). */
export function minuteWindow({ minutes = 60, until = new Date() }: MinuteWindow): { firstMinute: number; minutes: number } {
  return { firstMinute: Math.floor(until.getTime() / MINUTE_MS) + 1 - minutes, minutes };
}

/** Each query's values per minute of the window, oldest first; a minute without data is 0. */
async function minuteSeries(context: AwsContext, queries: MetricDataQuery[], window: MinuteWindow): Promise<Map<string, number[]>> {
  const { firstMinute, minutes } = minuteWindow(window);
  const start = firstMinute * MINUTE_MS;
  const end = start + minutes * MINUTE_MS;
  const series = new Map(queries.map((query) => [query.Id!, new Array<number>(minutes).fill(0)]));
  const cloudwatch = context.aws.client(CloudWatchClient);
  const requests: MetricDataQuery[][] = [];
  for (let first = 0; first < queries.length; first += QUERIES_PER_REQUEST) requests.push(queries.slice(first, first + QUERIES_PER_REQUEST));
  await Promise.all(
    requests.map(async (batch) => {
      const pages = paginateGetMetricData({ client: cloudwatch }, { MetricDataQueries: batch, StartTime: new Date(start), EndTime: new Date(end) });
      for await (const page of pages) {
        for (const { Id, Timestamps = [], Values = [] } of page.MetricDataResults ?? []) {
          const values = series.get(Id!)!;
          Timestamps.forEach((timestamp, index) => {
            const minute = Math.floor((timestamp.getTime() - start) / MINUTE_MS);
            if (minute >= 0 && minute < minutes) values[minute] = Values[index] ?? 0;
          });
        }
      }
    }),
  );
  return series;
}
