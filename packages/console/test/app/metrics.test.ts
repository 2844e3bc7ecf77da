import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { awsClientConfig, motoRequests, uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { iteratorAgeSeries, sparkline, targetSparklines } from '../../src/app/metrics.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';

const cloudwatch = new CloudWatchClient(awsClientConfig(aws));
const context = appContext();
const MINUTE = 60_000;
/** The end of the window the tests ask for: 30 s into a minute, some minutes ago, so that minute 59 is known. */
const until = new Date((Math.floor(Date.now() / MINUTE) - 5) * MINUTE + 30_000);
/** The start of the window's minute `index` (0 is the oldest of 60), plus `seconds`. */
const atMinute = (index: number, seconds = 0) => new Date(until.getTime() - 30_000 - (59 - index) * MINUTE + seconds * 1000);

const sourceArn = `arn:aws:kinesis:${aws.regions[0]}:${aws.accounts[0]}:stream/orders`;

function counter(functionName: string, name: string, target: string, value: number, timestamp: Date, source = sourceArn): MetricDatum {
  return {
    MetricName: name,
    Value: value,
    Unit: 'Count',
    Timestamp: timestamp,
    Dimensions: [
      { Name: 'Function', Value: functionName },
      { Name: 'Source', Value: source },
      { Name: 'Target', Value: target },
    ],
  };
}

/** A series of `length` zeros with the values given at their minutes. */
function series(length: number, values: Record<number, number> = {}): number[] {
  return Array.from({ length }, (_, minute) => values[minute] ?? 0);
}

/** The GetMetricData requests moto received that name this function. */
function metricDataRequests(functionName: string) {
  return motoRequests(aws, /^\/$/).filter(
    (request) => request.headers['X-Amz-Target']?.endsWith('.GetMetricData') && request.body.includes(functionName),
  );
}

describe('targetSparklines', () => {
  it('gives each target its Delivered and Failed sums per minute, oldest first, 0 where there is nothing, in one request', async () => {
    const functionName = uniqueName('sparklines');
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Custom/FanOut',
        MetricData: [
          counter(functionName, 'Delivered', 'copy', 3, atMinute(50, 5)),
          counter(functionName, 'Delivered', 'copy', 4, atMinute(50, 40)),
          counter(functionName, 'Delivered', 'copy', 5, atMinute(59)),
          counter(functionName, 'Failed', 'copy', 2, atMinute(0)),
          counter(functionName, 'Delivered', 'search', 10, atMinute(30)),
          // outside the window, before and after it
          counter(functionName, 'Delivered', 'copy', 100, atMinute(-1)),
          counter(functionName, 'Delivered', 'copy', 100, atMinute(60)),
          // the same target id of another source
          counter(functionName, 'Delivered', 'copy', 100, atMinute(40), `${sourceArn}-other`),
        ],
      }),
    );
    const activity = await targetSparklines(context, { functionName, sourceArn, targetIds: ['copy', 'search', 'idle'], until });
    expect(activity).toEqual({
      copy: { delivered: series(60, { 50: 7, 59: 5 }), failed: series(60, { 0: 2 }) },
      search: { delivered: series(60, { 30: 10 }), failed: series(60) },
      idle: { delivered: series(60), failed: series(60) },
    });
    expect(metricDataRequests(functionName)).toHaveLength(1);

    const lastTen = await targetSparklines(context, { functionName, sourceArn, targetIds: ['copy'], minutes: 10, until });
    expect(lastTen).toEqual({ copy: { delivered: series(10, { 0: 7, 9: 5 }), failed: series(10) } });
  });

  it('asks for up to 250 targets (500 queries) per request', async () => {
    const functionName = uniqueName('many-targets');
    const targetIds = Array.from({ length: 260 }, (_, index) => `target-${index}`);
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Custom/FanOut', MetricData: [counter(functionName, 'Failed', 'target-259', 1, atMinute(59))] }));
    const activity = await targetSparklines(context, { functionName, sourceArn, targetIds, until });
    expect(Object.keys(activity)).toEqual(targetIds);
    expect(activity['target-259']).toEqual({ delivered: series(60), failed: series(60, { 59: 1 }) });
    expect(metricDataRequests(functionName)).toHaveLength(2);
  });

  it('asks CloudWatch for the namespace it is given', async () => {
    const functionName = uniqueName('namespaced');
    const namespace = `Custom/${uniqueName('elsewhere')}`;
    await targetSparklines(context, { functionName, sourceArn, targetIds: ['copy'], namespace, until });
    const [request] = metricDataRequests(functionName);
    expect(request!.body.includes(namespace)).toBe(true);
    expect(request!.body.includes('Custom/FanOut')).toBe(false);
  });

  it('makes no request for no targets', async () => {
    const functionName = uniqueName('no-targets');
    expect(await targetSparklines(context, { functionName, sourceArn, targetIds: [], until })).toEqual({});
    expect(metricDataRequests(functionName)).toHaveLength(0);
  });
});

describe('iteratorAgeSeries', () => {
  it('gives the largest IteratorAge of the function per minute', async () => {
    const functionName = uniqueName('iterator-age');
    const age = (value: number, timestamp: Date, dimensions = [{ Name: 'FunctionName', Value: functionName }]): MetricDatum => ({
      MetricName: 'IteratorAge',
      Value: value,
      Unit: 'Milliseconds',
      Timestamp: timestamp,
      Dimensions: dimensions,
    });
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [age(100, atMinute(58, 1)), age(250, atMinute(58, 30)), age(40, atMinute(59)), age(9_000, atMinute(20), [{ Name: 'FunctionName', Value: `${functionName}-other` }])],
      }),
    );
    expect(await iteratorAgeSeries(context, { functionName, until })).toEqual(series(60, { 58: 250, 59: 40 }));
  });
});

describe('sparkline', () => {
  it('draws each value as a block scaled to the largest', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 1, 2, 4, 8], 5)).toBe('▁▂▃▅█');
  });

  it('draws a flat line of ▁ for all zeros, and ▁ for values that are not positive numbers', () => {
    expect(sparkline([0, 0, 0, 0], 4)).toBe('▁▁▁▁');
    expect(sparkline([-3, Number.NaN, 0, 6, Number.POSITIVE_INFINITY], 5)).toBe('▁▁▁█▁');
  });

  it('shows any positive value above zero, however small', () => {
    expect(sparkline([0, 1, 1000], 3)).toBe('▁▂█');
  });

  it('squeezes more values than the width into it, each character the largest of its run', () => {
    expect(sparkline([9, 0, 0, 1], 2)).toBe('█▂');
    expect(sparkline([0, 0, 0, 0, 0, 7], 3)).toBe('▁▁█');
    // an hour in 10 characters: a one-minute spike of failures stays in view
    const hour = new Array<number>(60).fill(0);
    hour[31] = 4;
    expect(sparkline(hour, 10)).toBe('▁▁▁▁▁█▁▁▁▁');
  });

  it('draws fewer values than the width as they are', () => {
    expect(sparkline([1, 2], 10)).toBe('▅█');
  });

  it('draws nothing in no width, or for no values', () => {
    expect(sparkline([1, 2, 3], 0)).toBe('');
    expect(sparkline([], 5)).toBe('');
  });
});
