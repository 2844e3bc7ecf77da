import { describe, expect, it } from 'vitest';
import { COLLAPSE_MODES } from '../../src/targets/options.js';
import { collapsedBodies, jsonRecords } from '../support/collapse.js';
import { kinesisEvent } from '../support/events.js';
import {
  HOME_REGION,
  OTHER_REGION,
  createTargetsTable,
  kinesisSourceArn,
  putTargets,
  secondAccountRole,
  testFanout,
} from '../support/harness.js';
import { createSubscribedTopic } from '../support/sns.js';
import { bodiesIn, drainQueue } from '../support/sqs.js';

const topicName = (topicArn: string) => topicArn.split(':').pop()!;

describe('sns target', () => {
  it('publishes every record in each collapse mode, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const topics = await Promise.all(COLLAPSE_MODES.map(async (collapse) => ({ collapse, ...(await createSubscribedTopic()) })));
    await putTargets(
      table,
      topics.map(({ collapse, topicArn }) => ({ sourceArn, id: `to-${collapse}`, type: 'sns', destination: topicArn, active: true, collapse })),
    );

    expect(await testFanout(table).process(kinesisEvent(sourceArn, jsonRecords))).toEqual({ batchItemFailures: [] });

    for (const { collapse, queueUrl } of topics) {
      expect({ collapse, bodies: await bodiesIn(queueUrl) }).toEqual({ collapse, bodies: collapsedBodies(jsonRecords, collapse) });
    }
  });

  it('publishes to a FIFO topic in record order per key, grouped by key and deduplicated by sequence number', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { topicArn, queueUrl } = await createSubscribedTopic({ fifo: true });
    await putTargets(table, [{ sourceArn, id: 'fifo', type: 'sns', destination: topicArn, active: true, collapse: 'none', parallel: false }]);
    const ordered = Array.from({ length: 30 }, (_, n) => ({ partitionKey: n % 3 === 0 ? 'key-x' : 'key-y', data: `record ${n}` }));
    const event = kinesisEvent(sourceArn, ordered);

    const fanout = testFanout(table);
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
    // Lambda retrying the same batch: the deduplication ids drop the copies
    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const messages = await drainQueue(queueUrl);
    const bodiesOfGroup = (group: string) =>
      messages.filter((message) => message.Attributes?.MessageGroupId === group).map((message) => message.Body);
    const dataOfKey = (key: string) => ordered.filter((record) => record.partitionKey === key).map((record) => record.data);
    expect(messages).toHaveLength(ordered.length);
    expect(bodiesOfGroup('key-x')).toEqual(dataOfKey('key-x'));
    expect(bodiesOfGroup('key-y')).toEqual(dataOfKey('key-y'));
  });

  it('publishes into the account of the target role, and nothing into the same-named topic of the function account', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { role, credentials } = await secondAccountRole();
    const target = await createSubscribedTopic({ credentials });
    const sameNameAtHome = await createSubscribedTopic({ name: topicName(target.topicArn) });
    await putTargets(table, [
      {
        sourceArn,
        id: 'cross-account',
        type: 'sns',
        destination: target.topicArn,
        active: true,
        collapse: 'none',
        role,
        externalId: 'fanout-test',
      },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, jsonRecords))).toEqual({ batchItemFailures: [] });

    expect(await bodiesIn(target.queueUrl, { credentials })).toEqual(collapsedBodies(jsonRecords, 'none'));
    expect(await bodiesIn(sameNameAtHome.queueUrl)).toEqual([]);
  });

  it('publishes in the region of the topic ARN, and in the region the target names', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const byArn = await createSubscribedTopic({ region: OTHER_REGION });
    const byRegionField = await createSubscribedTopic({ region: OTHER_REGION });
    const sameNamesAtHome = await Promise.all(
      [byArn, byRegionField].map(({ topicArn }) => createSubscribedTopic({ region: HOME_REGION, name: topicName(topicArn) })),
    );
    await putTargets(table, [
      { sourceArn, id: 'by-arn', type: 'sns', destination: byArn.topicArn, active: true, collapse: 'none' },
      { sourceArn, id: 'by-region', type: 'sns', destination: byRegionField.topicArn, active: true, collapse: 'none', region: OTHER_REGION },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, jsonRecords))).toEqual({ batchItemFailures: [] });

    for (const { queueUrl } of [byArn, byRegionField]) {
      expect(await bodiesIn(queueUrl, { region: OTHER_REGION })).toEqual(collapsedBodies(jsonRecords, 'none'));
    }
    for (const { queueUrl } of sameNamesAtHome) expect(await bodiesIn(queueUrl)).toEqual([]);
  });
});
