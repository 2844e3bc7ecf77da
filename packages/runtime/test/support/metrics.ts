import { CloudWatchClient, ListMetricsCommand, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { awsClientConfig } from '@fanout/testbed';
import { aws } from './harness.js';

/** The sum of a metric published for (Source, Target) in the test function's namespace. */
export async function metricSum(namespace: string, name: string, dimensions: Record<string, string>): Promise<number | undefined> {
  const cloudwatch = new CloudWatchClient(awsClientConfig(aws));
  const now = Date.now();
  const { Datapoints } = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: name,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      StartTime: new Date(now - 3_600_000),
      EndTime: new Date(now + 60_000),
      Period: 60,
      Statistics: ['Sum'],
    }),
  );
  if (!Datapoints?.length) return undefined;
  return Datapoints.reduce((sum, point) => sum + (point.Sum ?? 0), 0);
}

export async function metricNames(namespace: string): Promise<string[]> {
  const cloudwatch = new CloudWatchClient(awsClientConfig(aws));
  const { Metrics } = await cloudwatch.send(new ListMetricsCommand({ Namespace: namespace }));
  return [...new Set((Metrics ?? []).map((metric) => metric.MetricName!))].sort();
}
