import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { awsClientConfig } from '@fanout/testbed';
import { aws } from './console.js';

/** A target's counter as the runtime would have published it: the first value 2 minutes ago, each next one a minute earlier. */
export async function putRecentCounter(where: { functionName: string; sourceArn: string; target: string }, name: string, values: readonly number[]): Promise<void> {
  await new CloudWatchClient(awsClientConfig(aws)).send(
    new PutMetricDataCommand({
      Namespace: 'Custom/FanOut',
      MetricData: values.map((value, minutesAgo) => ({
        MetricName: name,
        Value: value,
        Unit: 'Count',
        Timestamp: new Date(Date.now() - (minutesAgo + 2) * 60_000),
        Dimensions: [
          { Name: 'Function', Value: where.functionName },
          { Name: 'Source', Value: where.sourceArn },
          { Name: 'Target', Value: where.target },
        ],
      })),
    }),
  );
}
