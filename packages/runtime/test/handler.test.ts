import type { Context } from 'aws-lambda';
import { uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { settingsFromEnvironment } from '../src/settings.js';
import { kinesisEvent } from './support/events.js';
import { createTargetsTable, kinesisSourceArn, putTargets } from './support/harness.js';
import { createQueue, drainQueue } from './support/sqs.js';

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

describe('Lambda handler', () => {
  it('reads <function>Targets by default and returns the batch response', async () => {
    const functionName = uniqueName('fanout');
    process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
    const table = await createTargetsTable(`${functionName}Targets`);
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'q', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const { handler } = await import('../src/handler.js');

    expect(await handler(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'via handler' }]), context(10_000))).toEqual({
      batchItemFailures: [],
    });
    expect((await drainQueue(queueUrl)).map((message) => message.Body)).toEqual(['via handler']);
  });
});

describe('settings from the environment', () => {
  const base = { AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'orders-fanout' };

  it('takes the defaults', () => {
    const settings = settingsFromEnvironment(base);
    expect(settings).toMatchObject({
      tableName: 'orders-fanoutTargets',
      functionName: 'orders-fanout',
      region: 'eu-west-1',
      configTtlMs: 60_000,
      metricsNamespace: 'Custom/FanOut',
      targetConcurrency: 8,
      retry: { maxAttempts: 8 },
    });
  });

  it('takes TARGETS_TABLE, CONFIG_TTL_SECONDS, METRICS_NAMESPACE, TARGET_CONCURRENCY and RETRY_MAX_ATTEMPTS', () => {
    const settings = settingsFromEnvironment({
      ...base,
      TARGETS_TABLE: 'routes',
      CONFIG_TTL_SECONDS: '5',
      METRICS_NAMESPACE: 'Team/FanOut',
      TARGET_CONCURRENCY: '2',
      RETRY_MAX_ATTEMPTS: '3',
    });
    expect(settings).toMatchObject({ tableName: 'routes', configTtlMs: 5_000, metricsNamespace: 'Team/FanOut', targetConcurrency: 2, retry: { maxAttempts: 3 } });
  });

  it('refuses a setting that is not a number, naming the variable', () => {
    expect(() => settingsFromEnvironment({ ...base, CONFIG_TTL_SECONDS: 'soon' })).toThrow('CONFIG_TTL_SECONDS: expected a number of 0 or more, got "soon"');
  });
});
