import { uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { settingsFromEnvironment } from '../src/settings.js';
import { kinesisEvent } from './support/events.js';
import { createTargetsTable, kinesisSourceArn, putTargets, testFanout } from './support/harness.js';
import { metricNames } from './support/metrics.js';
import { createQueue, drainQueue } from './support/sqs.js';

type Document = Record<string, unknown> & {
  _aws?: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
};

/**
 * What CloudWatch Logs requires of an embedded-metric document before it makes metrics of it
 * (CloudWatch_Embedded_Metric_Format_Specification): each dimension a string field, each metric a number.
 */
function checkEmbeddedMetrics(document: Document): void {
  const metadata = document._aws!;
  expect(typeof metadata.Timestamp).toBe('number');
  for (const directive of metadata.CloudWatchMetrics) {
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const dimensionSet of directive.Dimensions) {
      expect(dimensionSet.length).toBeLessThanOrEqual(30);
      for (const dimension of dimensionSet) expect(typeof document[dimension]).toBe('string');
    }
    for (const metric of directive.Metrics) expect(typeof document[metric.Name]).toBe('number');
  }
}

describe('metrics', () => {
  it('in Lambda are log lines in the embedded metric format: the same names and dimensions, and no PutMetricData', async () => {
    const namespace = uniqueName('Test/FanOutEmf');
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'queue', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const lines: string[] = [];
    const settings = settingsFromEnvironment(
      { AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'orders-fanout', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', TARGETS_TABLE: table, METRICS_NAMESPACE: namespace },
      (line) => lines.push(line),
    );
    expect(settings.metricsOutput).toBe('emf');
    const { process } = testFanout(table, { metricsOutput: settings.metricsOutput, metricsNamespace: namespace, writeLine: settings.writeLine! });

    await process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'one' }, { partitionKey: 'k', data: 'two' }]));

    expect((await drainQueue(queueUrl)).map((message) => message.Body)).toEqual(['one', 'two']);
    const documents = lines.map((line) => JSON.parse(line) as Document).filter((document) => document._aws);
    for (const document of documents) checkEmbeddedMetrics(document);
    const perTarget = documents.find((document) => document.Target === 'queue')!;
    expect(perTarget).toMatchObject({ Function: 'fanout-test', Source: sourceArn, Delivered: 2, Failed: 0, Rejected: 0, Skipped: 0 });
    expect(perTarget._aws!.CloudWatchMetrics[0]).toMatchObject({ Namespace: namespace, Dimensions: [['Function', 'Source', 'Target']] });
    const perSource = documents.find((document) => document.Target === undefined)!;
    expect(perSource).toMatchObject({ Source: sourceArn, RecordsReceived: 2 });
    expect(perSource._aws!.CloudWatchMetrics[0]!.Dimensions).toEqual([['Function', 'Source']]);
    expect(await metricNames(namespace)).toEqual([]);
  });

  it('outside Lambda go to PutMetricData, and METRICS_OUTPUT chooses', () => {
    const base = { AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'orders-fanout' };
    expect(settingsFromEnvironment(base).metricsOutput).toBe('api');
    expect(settingsFromEnvironment({ ...base, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', METRICS_OUTPUT: 'api' }).metricsOutput).toBe('api');
    expect(settingsFromEnvironment({ ...base, METRICS_OUTPUT: 'emf' }).metricsOutput).toBe('emf');
    expect(() => settingsFromEnvironment({ ...base, METRICS_OUTPUT: 'logs' })).toThrow('METRICS_OUTPUT: expected emf or api or none, got "logs"');
  });
});
