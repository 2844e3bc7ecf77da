import type { CloudWatchClient} from '@aws-sdk/client-cloudwatch';
import { PutMetricDataCommand, type MetricDatum, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { MetricName } from '../config/contracts.js';
import type { Logger } from '../log/logger.js';

export { DEFAULT_METRICS_NAMESPACE, type MetricName } from '../config/contracts.js';

/** PutMetricData takes up to 1,000 metrics per request. */
export const METRICS_PER_REQUEST = 1_000;

export interface MetricDimensions {
  Source: string;
  Target?: string;
}

/** The counters of one invocation, summed per (name, dimensions) and published once. */
export class InvocationMetrics {
  private readonly values = new Map<string, { name: MetricName; dimensions: MetricDimensions; unit: StandardUnit; value: number }>();

  constructor(private readonly functionName: string) {}

  add(name: MetricName, value: number, dimensions: MetricDimensions, unit: StandardUnit = 'Count'): void {
    const key = JSON.stringify([name, dimensions.Source, dimensions.Target ?? '']);
    const current = this.values.get(key);
    if (current) current.value += value;
    else this.values.set(key, { name, dimensions, unit, value });
  }

  datums(timestamp = new Date()): MetricDatum[] {
    return [...this.values.values()].map(({ name, dimensions, unit, value }) => ({
      MetricName: name,
      Unit: unit,
      Value: value,
      Timestamp: timestamp,
      Dimensions: [
        { Name: 'Function', Value: this.functionName },
        { Name: 'Source', Value: dimensions.Source },
        ...(dimensions.Target === undefined ? [] : [{ Name: 'Target', Value: dimensions.Target }]),
      ],
    }));
  }

  /** Publishes everything; a failure is logged and never thrown: metrics must not fail a batch. */
  async publish(cloudwatch: CloudWatchClient, namespace: string, log: Logger): Promise<void> {
    const datums = this.datums();
    for (let start = 0; start < datums.length; start += METRICS_PER_REQUEST) {
      try {
        await cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: datums.slice(start, start + METRICS_PER_REQUEST) }));
      } catch (error) {
        log.error('could not publish metrics', { namespace, error });
        return;
      }
    }
  }
}
