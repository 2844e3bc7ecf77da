import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsClientConstructor } from '../aws/clients.js';
import { metricDimensions } from '../config/contracts.js';
import type { Logger } from '../log/logger.js';
import type { InvocationMetrics, MetricValue } from './metrics.js';

/** PutMetricData takes up to 1,000 metrics per request. */
export const METRICS_PER_REQUEST = 1_000;

/** Where an invocation's metrics go. A failure is logged and never thrown: metrics must not fail a batch. */
export interface MetricsPublisher {
  publish(metrics: InvocationMetrics, log: Logger): Promise<void>;
}

/**
 * PutMetricData, for a process that is not a Lambda function (the local poller: its metrics go to
 * the endpoint it runs against). The CloudWatch client loads with the first metrics.
 */
export class PutMetricDataPublisher implements MetricsPublisher {
  constructor(
    private readonly client: (constructor: AwsClientConstructor<CloudWatchClient>) => CloudWatchClient,
    private readonly namespace: string,
  ) {}

  async publish(metrics: InvocationMetrics, log: Logger): Promise<void> {
    if (metrics.size === 0) return;
    const datums = metrics.datums();
    try {
      const { CloudWatchClient, PutMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
      const cloudwatch = this.client(CloudWatchClient);
      for (let start = 0; start < datums.length; start += METRICS_PER_REQUEST) {
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: datums.slice(start, start + METRICS_PER_REQUEST) }));
      }
    } catch (error) {
      log.error('could not publish metrics', { namespace: this.namespace, error });
    }
  }
}

/**
 * CloudWatch's embedded metric format, for a Lambda function: one log line per set of dimensions,
 * which CloudWatch Logs turns into the same metrics PutMetricData would make — with no request, no
 * client to load and nothing to wait for. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export class EmbeddedMetricsPublisher implements MetricsPublisher {
  constructor(
    private readonly namespace: string,
    private readonly writeLine: (line: string) => void,
  ) {}

  async publish(metrics: InvocationMetrics): Promise<void> {
    const timestamp = Date.now();
    const byDimensions = Map.groupBy(metrics.all(), ({ dimensions }) => `${dimensions.Source}\n${dimensions.Target ?? ''}`);
    for (const values of byDimensions.values()) this.writeLine(JSON.stringify(this.document(metrics.functionName, values, timestamp)));
  }

  private document(functionName: string, values: readonly MetricValue[], timestamp: number): Record<string, unknown> {
    const { dimensions } = values[0]!;
    const named = metricDimensions(functionName, dimensions.Source, dimensions.Target);
    return {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [Object.keys(named)], Metrics: values.map(({ name, unit }) => ({ Name: name, Unit: unit })) }],
      },
      ...named,
      ...Object.fromEntries(values.map(({ name, value }) => [name, value])),
    };
  }
}

/** Metrics kept to the invocation: for a run with nowhere to send them. */
export const NO_METRICS: MetricsPublisher = { publish: () => Promise.resolve() };
