import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { uniqueName } from '@fanout/testbed';
import { AwsClients, type AwsClientConstructor, type AwsScope, type AwsSdkClient } from '../src/aws/clients.js';
import { describe, expect, it } from 'vitest';
import { dynamodbEvent, kinesisEvent } from './support/events.js';
import { createTargetsTable, dynamodbSourceArn, kinesisSourceArn, putRows, putTargets, testFanout } from './support/harness.js';
import { kplAggregate } from './support/kpl.js';
import { metricNames, metricSum } from './support/metrics.js';
import { closedPort } from './support/network.js';
import { createQueue, drainQueue } from './support/sqs.js';

/** Clients as usual, but CloudWatch at a port where nothing listens: a real connection refused. */
class ClientsWithUnreachableCloudWatch extends AwsClients {
  constructor(
    sessionName: string,
    private readonly port: number,
  ) {
    super(sessionName);
  }

  override get<Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    if ((constructor as unknown) !== CloudWatchClient) return super.get(constructor, scope);
    return new CloudWatchClient({ region: scope.region, endpoint: `http://127.0.0.1:${this.port}`, maxAttempts: 1 }) as unknown as Client;
  }
}

const bodiesOf = async (queueUrl: string) => (await drainQueue(queueUrl)).map((message) => message.Body);

describe('fanout pipeline', () => {
  it('skips a broken row with one log line naming the row, the field and the expected form; the good rows deliver', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const [good, inactive] = [await createQueue(), await createQueue()];
    await putRows(table, [
      { sourceArn, id: 'good', type: 'sqs', destination: good, active: true, collapse: 'none' },
      { sourceArn, id: 'broken', type: 'sqs', destination: 'not-a-queue', active: true },
      { sourceArn, id: 'off', type: 'sqs', destination: inactive, active: false, collapse: 'none' },
    ]);
    const namespace = uniqueName('Test/FanOut');
    const fanout = testFanout(table, { metricsNamespace: namespace });

    expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'hello' }]))).toEqual({ batchItemFailures: [] });

    expect(await bodiesOf(good)).toEqual(['hello']);
    expect(await bodiesOf(inactive)).toEqual([]);
    const warnings = fanout.logs.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      id: 'broken',
      message:
        'skipping invalid target row broken: destination: "not-a-queue" is not a URL (an SQS queue URL); expected a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE)',
    });
    expect(await metricSum(namespace, 'InvalidRows', { Function: 'fanout-test', Source: sourceArn })).toBe(1);
  });

  it('fails the whole invocation when the targets table cannot be read, so that Lambda retries it', async () => {
    const sourceArn = kinesisSourceArn();
    const fanout = testFanout(uniqueName('missingTable'));
    await expect(fanout.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'x' }]))).rejects.toThrow(/resource not found|ResourceNotFound/i);
  });

  it('keeps the targets of a source for the TTL, and sees a change once it has passed', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    const row = { sourceArn, id: 'q', type: 'sqs' as const, destination: queueUrl, active: false, collapse: 'none' as const };
    await putTargets(table, [row]);
    const cached = testFanout(table, { configTtlMs: 60_000 });
    const uncached = testFanout(table, { configTtlMs: 0 });
    await cached.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'before' }]));
    await uncached.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'before' }]));

    await putTargets(table, [{ ...row, active: true }]);
    await cached.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'cached' }]));
    await uncached.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'reloaded' }]));

    expect(await bodiesOf(queueUrl)).toEqual(['reloaded']);
  });

  it('opens KPL aggregates for a target that asks to deaggregate, and not for one that does not', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const [opened, closed] = [await createQueue(), await createQueue()];
    await putTargets(table, [
      { sourceArn, id: 'opened', type: 'sqs', destination: opened, active: true, collapse: 'none', deaggregate: true, parallel: false },
      { sourceArn, id: 'closed', type: 'sqs', destination: closed, active: true, collapse: 'concat-b64' },
    ]);
    const userRecords = [
      { partitionKey: 'a', data: '{"user":1}' },
      { partitionKey: 'b', data: '{"user":2}' },
    ];
    const aggregate = kplAggregate(userRecords);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, [aggregate, { partitionKey: 'c', data: '{"user":3}' }]))).toEqual({
      batchItemFailures: [],
    });

    expect(await bodiesOf(opened)).toEqual(['{"user":1}', '{"user":2}', '{"user":3}']);
    expect(await bodiesOf(closed)).toEqual([Buffer.concat([aggregate.data, Buffer.from('{"user":3}')]).toString('base64')]);
  });

  it('delivers the records of an event that names a stream consumer (enhanced fan-out) to the targets of the consumer\'s stream', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'copy', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);

    const event = kinesisEvent(`${sourceArn}/consumer/fanout:1767225600`, [{ partitionKey: 'k', data: 'through the consumer' }]);
    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodiesOf(queueUrl)).toEqual(['through the consumer']);
  });

  it('delivers DynamoDB INSERT, MODIFY and REMOVE records, as plain JSON with convertDDB', async () => {
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'changes', type: 'sqs', destination: queueUrl, active: true, collapse: 'none', convertDDB: true, parallel: false }]);
    const event = dynamodbEvent(sourceArn, [
      { eventName: 'INSERT', keys: { id: 'o1' }, newImage: { id: 'o1', total: 5 } },
      { eventName: 'MODIFY', keys: { id: 'o1' }, oldImage: { id: 'o1', total: 5 }, newImage: { id: 'o1', total: 6 } },
      { eventName: 'REMOVE', keys: { id: 'o1' }, oldImage: { id: 'o1', total: 6 } },
    ]);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await bodiesOf(queueUrl)).toEqual(['{"id":"o1","total":5}', '{"id":"o1","total":6}', '{"id":"o1","total":6}']);
  });

  it('publishes its counters to CloudWatch once per invocation, per source and target', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'counted', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const namespace = uniqueName('Test/FanOut');

    await testFanout(table, { metricsNamespace: namespace }).process(
      kinesisEvent(sourceArn, [
        { partitionKey: 'k', data: 'one' },
        { partitionKey: 'k', data: Buffer.from([0xff]) },
        { partitionKey: 'k', data: 'three' },
      ]),
    );

    const target = { Function: 'fanout-test', Source: sourceArn, Target: 'counted' };
    expect(await metricSum(namespace, 'RecordsReceived', { Function: 'fanout-test', Source: sourceArn })).toBe(3);
    expect(await metricSum(namespace, 'Delivered', target)).toBe(2);
    expect(await metricSum(namespace, 'Rejected', target)).toBe(1);
    expect(await metricSum(namespace, 'Failed', target)).toBe(0);
    expect(await metricNames(namespace)).toEqual(['Delivered', 'Duration', 'Failed', 'FailedOver', 'RecordsReceived', 'Rejected', 'Retries', 'Skipped']);
  });

  it('logs a metrics failure and still returns the batch result', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'q', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const fanout = testFanout(table, {}, new ClientsWithUnreachableCloudWatch('fanout-test', await closedPort()));

    expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: 'k', data: 'kept' }]))).toEqual({ batchItemFailures: [] });

    expect(await bodiesOf(queueUrl)).toEqual(['kept']);
    expect(fanout.logs.filter((line) => line.message === 'could not publish metrics')).toHaveLength(1);
  });
});
