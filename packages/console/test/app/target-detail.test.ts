import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { counterFigures, targetDetail } from '../../src/app/target-detail.js';
import { registerTarget } from '../../src/app/targets.js';
import { deploymentOf } from '../../src/aws/names.js';
import { NotFoundError } from '../../src/errors.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import { createQueue, createStream } from '../support/destination-resources.js';
import { useFreshRuntimeZip } from '../support/deployment.js';
import { failureDocument, putFailureDocument } from '../support/failures.js';
import { minutesAgo, putRow, putTargetState } from '../support/state.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;
const context = appContext();
const cloudwatch = new CloudWatchClient(awsClientConfig(aws));
const functionName = uniqueName('app-detail');
const deployment = deploymentOf({ function: functionName });
const MINUTE = 60_000;
/** The end of the window the tests ask for: 30 s into a minute, some minutes ago. */
const until = new Date((Math.floor(Date.now() / MINUTE) - 5) * MINUTE + 30_000);
/** A moment of the window's minute `index` (0 is the oldest of 60, 59 the one still filling). */
const atMinute = (index: number) => new Date(until.getTime() - 30_000 - (59 - index) * MINUTE + 10_000);
let sourceArn: string;
let bucket: string;
let queueUrl: string;

beforeAll(async () => {
  const deployed = await deployFanout(context, deployment);
  bucket = deployed.failureStoreArn.replace('arn:aws:s3:::', '');
  ({ arn: sourceArn } = await createStream());
  ({ url: queueUrl } = await createQueue());
});

function counter(name: string, target: string, value: number, minute: number): MetricDatum {
  return {
    MetricName: name,
    Value: value,
    Unit: 'Count',
    Timestamp: atMinute(minute),
    Dimensions: [
      { Name: 'Function', Value: functionName },
      { Name: 'Source', Value: sourceArn },
      { Name: 'Target', Value: target },
    ],
  };
}

describe('targetDetail', () => {
  it('gives the whole row, its state, its counters as numbers, and what its store (the function\'s bucket) holds of it', async () => {
    await registerTarget(context, deployment, { sourceArn, id: 'copy', type: 'sqs', destination: queueUrl, active: true, maxAttempts: 3 });
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Custom/FanOut',
        MetricData: [
          counter('Delivered', 'copy', 40, 10),
          counter('Delivered', 'copy', 25, 58),
          counter('Delivered', 'copy', 7, 59),
          counter('Failed', 'copy', 3, 58),
          counter('Rejected', 'copy', 2, 30),
          // another target of the source
          counter('Delivered', 'other', 1_000, 58),
        ],
      }),
    );
    await putTargetState(`${functionName}Progress`, sourceArn, 'copy', {
      state: 'retrying',
      since: minutesAgo(2),
      lastError: 'AWS.SimpleQueueService.NonExistentQueue: the queue does not exist',
      heldSince: minutesAgo(3),
      stored: 2,
    });
    const document = failureDocument(sourceArn, { id: 'copy', type: 'sqs' }, '1', { order: 1 });
    await putFailureDocument(bucket, document);
    await putFailureDocument(bucket, { ...document, record: { ...document.record, sequenceNumber: '2' } });
    // another target's failure in the same bucket is not this one's
    await putFailureDocument(bucket, failureDocument(sourceArn, { id: 'other', type: 'sqs' }, '3', { order: 3 }));

    const detail = await targetDetail(context, deployment, sourceArn, 'copy', { until });
    expect(detail).toMatchObject({
      sourceArn,
      id: 'copy',
      row: { sourceArn, id: 'copy', type: 'sqs', destination: queueUrl, active: true, maxAttempts: 3 },
      target: { id: 'copy', maxAttempts: 3, collapse: 'JSON' },
      problems: [],
      destination: queueUrl,
      status: { state: 'retrying', behindSeconds: expect.any(Number), stored: 2, lastError: 'AWS.SimpleQueueService.NonExistentQueue: the queue does not exist' },
      delivered: { lastMinute: 25, total: 72 },
      failed: { lastMinute: 3, total: 3 },
      rejected: { lastMinute: 0, total: 2 },
      store: { arn: `arn:aws:s3:::${bucket}`, kind: 's3', from: 'function', count: 2, of: 'target' },
    });
    expect(detail.delivered.perMinute).toHaveLength(60);
    expect(detail.delivered.perMinute[10]).toBe(40);
    expect(detail.status.behindSeconds).toBeGreaterThanOrEqual(170);
  });

  it('counts what the target\'s own queue store holds, a target that never failed being ok with nothing', async () => {
    const store = await createQueue();
    const storeArn = `arn:aws:sqs:${region}:${account}:${store.name}`;
    await registerTarget(context, deployment, { sourceArn, id: 'queued', type: 'sqs', destination: queueUrl, onFailure: storeArn });
    const sqs = new SQSClient(awsClientConfig(aws));
    for (const body of ['one', 'two', 'three']) await sqs.send(new SendMessageCommand({ QueueUrl: store.url, MessageBody: body }));

    const detail = await targetDetail(context, deployment, sourceArn, 'queued', { until });
    expect(detail.status).toEqual({ state: 'ok', since: undefined, behindSeconds: undefined, stored: 0, lastError: undefined });
    expect(detail.store).toEqual({ arn: storeArn, kind: 'sqs', from: 'target', count: 3, of: 'store' });
    expect(detail.delivered).toEqual({ perMinute: new Array(60).fill(0), lastMinute: 0, total: 0 });
  });

  it('shows an invalid row as stored, with what is wrong; refuses a target that does not exist', async () => {
    await putRow(deployment.tableName, { sourceArn, id: 'broken', type: 'sqs', destination: 'nowhere', active: true });
    const detail = await targetDetail(context, deployment, sourceArn, 'broken', { until });
    expect(detail).toMatchObject({ row: { destination: 'nowhere' }, target: undefined, destination: 'nowhere', problems: [expect.stringContaining('destination')] });
    await expect(targetDetail(context, deployment, sourceArn, 'missing')).rejects.toThrow(new NotFoundError(`--id: no target "missing" for ${sourceArn}; see fanout-console list`));
  });
});

describe('counterFigures', () => {
  it('says the last whole minute (not the one still filling) and the total of the window', () => {
    expect(counterFigures([1, 2, 3, 4])).toEqual({ perMinute: [1, 2, 3, 4], lastMinute: 3, total: 10 });
    expect(counterFigures([])).toEqual({ perMinute: [], lastMinute: 0, total: 0 });
  });
});
