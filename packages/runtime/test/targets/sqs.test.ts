import { describe, expect, it } from 'vitest';
import {
  HOME_REGION,
  OTHER_REGION,
  createTargetsTable,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
} from '../support/harness.js';
import { collapsedBodies, jsonRecords as records } from '../support/collapse.js';
import { kinesisEvent } from '../support/events.js';
import { recordOutcomeLines } from '../support/logs.js';
import { bodiesIn, createQueue, drainQueue, queueName } from '../support/sqs.js';

describe('sqs target', () => {
  it('delivers every record in each collapse mode, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queues = { none: await createQueue(), JSON: await createQueue(), concat: await createQueue(), 'concat-b64': await createQueue() };
    await putTargets(
      table,
      Object.entries(queues).map(([collapse, queueUrl]) => ({
        sourceArn,
        id: `to-${collapse}`,
        type: 'sqs',
        destination: queueUrl,
        active: true,
        collapse: collapse as 'none',
      })),
    );

    const response = await testFanout(table).process(kinesisEvent(sourceArn, records));

    expect(response).toEqual({ batchItemFailures: [] });
    for (const [collapse, queueUrl] of Object.entries(queues)) {
      const bodies = await bodiesIn(queueUrl);
      expect({ collapse, bodies }).toEqual({ collapse, bodies: collapsedBodies(records, collapse as keyof typeof queues) });
    }
  });

  it('keeps record order with parallel false on a FIFO queue, grouped by key and deduplicated by sequence number', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue({ fifo: true });
    await putTargets(table, [{ sourceArn, id: 'fifo', type: 'sqs', destination: queueUrl, active: true, collapse: 'none', parallel: false }]);
    const ordered = Array.from({ length: 35 }, (_, n) => ({ partitionKey: 'one-key', data: `record ${n}` }));
    const event = kinesisEvent(sourceArn, ordered);

    const fanout = testFanout(table);
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
    // Lambda retrying the same batch: the deduplication ids drop the copies
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const messages = await drainQueue(queueUrl);
    expect(messages.map((message) => message.Body)).toEqual(ordered.map((record) => record.data));
    expect(new Set(messages.map((message) => message.Attributes?.MessageGroupId))).toEqual(new Set(['one-key']));
  });

  it('delivers into the account of the target role, and nothing into the same-named queue of the function account', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { role, credentials } = await secondAccountRole();
    const queueUrl = await createQueue({ credentials });
    const sameNameAtHome = await createQueue({}, queueName(queueUrl));
    await putTargets(table, [
      { sourceArn, id: 'cross-account', type: 'sqs', destination: queueUrl, active: true, collapse: 'none', role, externalId: 'fanout-test' },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await bodiesIn(queueUrl, { credentials })).toEqual(collapsedBodies(records, 'none'));
    expect(await bodiesIn(sameNameAtHome)).toEqual([]);
  });

  it('delivers into the region the target names, and nothing into the same-named queue of the home region', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue({ region: OTHER_REGION });
    const sameNameAtHome = await createQueue({ region: HOME_REGION }, queueName(queueUrl));
    await putTargets(table, [{ sourceArn, id: 'other-region', type: 'sqs', destination: queueUrl, active: true, region: OTHER_REGION }]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await bodiesIn(queueUrl, { region: OTHER_REGION })).toEqual(collapsedBodies(records, 'JSON'));
    expect(await bodiesIn(sameNameAtHome, { region: HOME_REGION })).toEqual([]);
  });

  it('rejects what SQS cannot take (binary data uncollapsed, a record over 1 MiB) and delivers the rest', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const queueUrl = await createQueue();
    await putTargets(table, [{ sourceArn, id: 'plain', type: 'sqs', destination: queueUrl, active: true, collapse: 'none' }]);
    const event = kinesisEvent(sourceArn, [
      { partitionKey: 'k', data: Buffer.from([0xff, 0xfe, 0x00]) },
      { partitionKey: 'k', data: 'x'.repeat(1_048_577) },
      { partitionKey: 'k', data: 'fine' },
    ]);
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect((await drainQueue(queueUrl)).map((message) => message.Body)).toEqual(['fine']);
    const rejections = recordOutcomeLines(fanout, 'rejected');
    expect(rejections.map((line) => line.sequenceNumber)).toEqual([event.Records[0]!.kinesis.sequenceNumber, event.Records[1]!.kinesis.sequenceNumber]);
    expect(String(rejections[0]!.message)).toContain('not UTF-8 text');
    expect(String(rejections[1]!.message)).toContain('more than the 1048576-byte limit of sqs');
    expect(JSON.stringify(fanout.logs)).not.toContain('xxxxxxxx');
  });
});
