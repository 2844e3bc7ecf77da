import type { MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { metricDimensions, type MetricName } from '../config/contracts.js';

export { DEFAULT_METRICS_NAMESPACE, type MetricName } from '../config/contracts.js';

export interface MetricDimensions {
  Source: string;
  Target?: string;
}

export interface MetricValue {
  name: MetricName;
  dimensions: MetricDimensions;
  unit: StandardUnit;
  value: number;
}

/** The counters of one invocation, summed per (name, dimensions) and published once. */
export class InvocationMetrics {
  private readonly values = new Map<string, MetricValue>();

  constructor(readonly functionName: string) {}

  add(name: MetricName, value: number, dimensions: MetricDimensions, unit: StandardUnit = 'Count'): void {
    const key = JSON.stringify([name, dimensions.Source, dimensions.Target ?? '']);
    const current = this.values.get(key);
    if (current) current.value += value;
    else this.values.set(key, { name, dimensions, unit, value });
  }

  get size(): number {
    return this.values.size;
  }

  all(): IterableIterator<MetricValue> {
    return this.values.values();
  }

  datums(timestamp = new Date()): MetricDatum[] {
    return [...this.values.values()].map(({ name, dimensions, unit, value }) => ({
      MetricName: name,
      Unit: unit,
      Value: value,
      Timestamp: timestamp,
      Dimensions: Object.entries(metricDimensions(this.functionName, dimensions.Source, dimensions.Target)).map(([Name, Value]) => ({ Name, Value })),
    }));
  }
}
