import { describe, expect, it } from 'vitest';
import { kinesisEvent } from '../support/events.js';
import { createS3DeliveryStream, objectsIn, objectsInCallOrder } from '../support/firehose.js';
import { OTHER_REGION, createTargetsTable, kinesisSourceArn, putTargets, secondAccountRole, testFanout } from '../support/harness.js';

const records = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}\n' },
  { partitionKey: 'b', data: Buffer.from([0x00, 0xff, 0xfe, 0x80]) },
  { partitionKey: 'a', data: 'plain text, no newline' },
];

const joined = (batch: ReadonlyArray<{ data: Buffer | string }>) => Buffer.concat(batch.map(({ data }) => Buffer.from(data)));

describe('firehose target', () => {
  it('puts every record, byte for byte', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createS3DeliveryStream();
    await putTargets(table, [{ sourceArn, id: 'by-name', type: 'firehose', destination: stream.name, active: true }]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await objectsIn(stream.bucket)).toEqual([joined(records)]);
  });

  it('keeps record order over several PutRecordBatch calls with parallel false', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createS3DeliveryStream();
    await putTargets(table, [{ sourceArn, id: 'ordered', type: 'firehose', destination: stream.name, active: true, parallel: false }]);
    const ordered = Array.from({ length: 1_234 }, (_, n) => ({ partitionKey: `key-${n % 7}`, data: `record ${n}\n` }));

    expect(await testFanout(table).process(kinesisEvent(sourceArn, ordered))).toEqual({ batchItemFailures: [] });

    // the objects in the order they were written: the calls came one after the other, in record order
    const calls = [ordered.slice(0, 500), ordered.slice(500, 1_000), ordered.slice(1_000)];
    expect((await objectsInCallOrder(stream)).map(({ object }) => object.toString('utf8'))).toEqual(calls.map((call) => joined(call).toString('utf8')));
  });

  it('puts a large batch in calls of at most 500 records', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const stream = await createS3DeliveryStream();
    await putTargets(table, [{ sourceArn, id: 'many', type: 'firehose', destination: stream.name, active: true }]);
    const many = Array.from({ length: 1_234 }, (_, n) => ({ partitionKey: `key-${n % 7}`, data: `record ${n}\n` }));

    expect(await testFanout(table).process(kinesisEvent(sourceArn, many))).toEqual({ batchItemFailures: [] });

    const calls = [many.slice(0, 500), many.slice(500, 1_000), many.slice(1_000)];
    expect((await objectsIn(stream.bucket)).sort(Buffer.compare)).toEqual(calls.map(joined).sort(Buffer.compare));
  });

  it('puts into the account of the target role, and nothing into the same-named delivery stream of the function account', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const { role, credentials } = await secondAccountRole();
    const stream = await createS3DeliveryStream({ credentials });
    const sameNameAtHome = await createS3DeliveryStream({ name: stream.name });
    await putTargets(table, [
      { sourceArn, id: 'cross-account', type: 'firehose', destination: stream.arn, active: true, role, externalId: 'fanout-test' },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    expect(await objectsIn(stream.bucket, { credentials })).toEqual([joined(records)]);
    expect(await objectsIn(sameNameAtHome.bucket)).toEqual([]);
  });

  it('puts in the region of the delivery stream ARN, and in the region the target names', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    const byArn = await createS3DeliveryStream({ region: OTHER_REGION });
    const byRegionField = await createS3DeliveryStream({ region: OTHER_REGION });
    const sameNamesAtHome = await Promise.all([byArn, byRegionField].map(({ name }) => createS3DeliveryStream({ name })));
    await putTargets(table, [
      { sourceArn, id: 'by-arn', type: 'firehose', destination: byArn.arn, active: true },
      { sourceArn, id: 'by-region', type: 'firehose', destination: byRegionField.name, active: true, region: OTHER_REGION },
    ]);

    expect(await testFanout(table).process(kinesisEvent(sourceArn, records))).toEqual({ batchItemFailures: [] });

    for (const { bucket } of [byArn, byRegionField]) expect(await objectsIn(bucket)).toEqual([joined(records)]);
    for (const { bucket } of sameNamesAtHome) expect(await objectsIn(bucket)).toEqual([]);
  });
});
