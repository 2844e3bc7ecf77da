import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { uniqueName } from '@fanout/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import type { TargetRowInput } from '../../src/config/schema.js';
import { TARGET_TYPE_NAMES } from '../../src/targets/registry.js';
import type { CollapseMode } from '../../src/targets/options.js';
import { collapsedMessages, type CollapsedRecord } from '../support/collapse.js';
import {
  CONFORMANCE_TARGETS,
  closeConformanceReaders,
  isCollapsible,
  readable,
  type CollapsibleTarget,
  type ConformanceDestination,
  type ConformanceTarget,
  type SentRecord,
} from '../support/conformance.js';
import { dynamodbEvent, kinesisEvent, type DynamoDBChange } from '../support/events.js';
import { createTargetsTable, dynamodbSourceArn, kinesisSourceArn, putTargets, testFanout, type TestFanout } from '../support/harness.js';
import { kplAggregate } from '../support/kpl.js';
import { recordOutcomeLines } from '../support/logs.js';

afterAll(closeConformanceReaders);

type KinesisData = { partitionKey: string; data: Buffer | string };

/** A Kinesis event record, or one of the KPL user records it aggregates, as a target sees it. */
function sentKinesis(eventRecord: KinesisStreamRecord, record: KinesisData, subSequenceNumber?: number): SentRecord {
  return {
    data: Buffer.from(record.data),
    key: record.partitionKey,
    sequenceNumber: eventRecord.kinesis.sequenceNumber,
    ...(subSequenceNumber === undefined ? {} : { subSequenceNumber }),
    action: 'PUT',
  };
}

/** DynamoDB changes of items keyed by `id` alone, as a target with convertDDB sees them: the image as plain JSON. */
function sentChanges(event: { Records: DynamoDBRecord[] }, changes: readonly DynamoDBChange[]): SentRecord[] {
  return changes.map((change, index) => ({
    data: Buffer.from(JSON.stringify(change.eventName === 'REMOVE' ? change.oldImage : change.newImage)),
    key: String(change.keys.id),
    sequenceNumber: event.Records[index]!.dynamodb!.SequenceNumber!,
    action: change.eventName,
  }));
}

/** A fanout on a new targets table holding one active target of the type per destination. */
async function fanoutTo(
  target: ConformanceTarget,
  sourceArn: string,
  destinations: ReadonlyArray<{ id: string; destination: ConformanceDestination; options?: Partial<TargetRowInput> }>,
): Promise<TestFanout> {
  const table = await createTargetsTable();
  await putTargets(
    table,
    destinations.map(({ id, destination, options }) => ({
      sourceArn,
      id,
      type: target.type,
      destination: destination.destination,
      active: true,
      ...target.rowOptions,
      ...options,
    })),
  );
  return testFanout(table);
}

/** The sequence numbers of the records a target rejected, in the order logged. */
function rejectedAt(fanout: TestFanout, targetId: string): unknown[] {
  return recordOutcomeLines(fanout, 'rejected')
    .filter((line) => line.target === targetId)
    .map((line) => line.sequenceNumber);
}

const byText = (a: string | undefined, b: string | undefined) => String(a).localeCompare(String(b));

it('runs the conformance cases for every target type', () => {
  expect(CONFORMANCE_TARGETS.map((target) => target.type)).toEqual([...TARGET_TYPE_NAMES]);
});

describe.each(CONFORMANCE_TARGETS.map((target) => [target.type, target] as const))('%s target conformance', (_type, target) => {
  it('delivers each user record of a KPL aggregate intact, and the plain record beside it', async () => {
    const sourceArn = kinesisSourceArn();
    const destination = await target.createDestination();
    const fanout = await fanoutTo(target, sourceArn, [{ id: 'opened', destination, options: { deaggregate: true } }]);
    const userRecords = [
      { partitionKey: uniqueName('user'), data: '{"user":1,"text":"Zoë in Kraków"}' },
      { partitionKey: uniqueName('user'), data: '{"user":2,"list":[1,2,3]}' },
    ];
    const plain = { partitionKey: uniqueName('plain'), data: '{"plain":true}' };
    const event = kinesisEvent(sourceArn, [kplAggregate(userRecords), plain]);
    const [aggregated, alone] = event.Records;

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const sent = [...userRecords.map((record, index) => sentKinesis(aggregated!, record, index)), sentKinesis(alone!, plain)];
    const { arrived, expected } = await destination.observe(sent, 'kinesis', 'any order');
    expect(arrived).toEqual(expected);
  });

  it('shows a DynamoDB item inserted, then modified, then removed', async () => {
    const sourceArn = dynamodbSourceArn();
    const destination = await target.createDestination();
    const fanout = await fanoutTo(target, sourceArn, [{ id: 'changes', destination, options: { convertDDB: true } }]);
    const id = uniqueName('item');
    const [first, second] = [
      { id, name: 'Zoë', version: 1 },
      { id, name: 'Zoë', version: 2, tags: ['gold'] },
    ];
    const changes: DynamoDBChange[] = [
      { eventName: 'INSERT', keys: { id }, newImage: first },
      { eventName: 'MODIFY', keys: { id }, oldImage: first, newImage: second },
      { eventName: 'REMOVE', keys: { id }, oldImage: second },
    ];

    const sent: SentRecord[] = [];
    for (const change of changes) {
      const event = dynamodbEvent(sourceArn, [change]);
      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });
      sent.push(...sentChanges(event, [change]));

      const { arrived, expected } = await destination.observe(sent, 'dynamodb', 'in order');
      expect({ after: change.eventName, seen: arrived }).toEqual({ after: change.eventName, seen: expected });
    }
  });

  it(`keeps record order with parallel false over several calls (${target.severalBatches.records} records)`, async () => {
    const { records, paddingBytes } = target.severalBatches;
    const sourceArn = dynamodbSourceArn();
    const destination = await target.createDestination();
    const fanout = await fanoutTo(target, sourceArn, [{ id: 'ordered', destination, options: { convertDDB: true, parallel: false } }]);
    const hot = uniqueName('hot');
    const padding = paddingBytes > 0 ? { padding: 'p'.repeat(paddingBytes) } : {};
    const item = (id: string, version: number) => ({ id, version, ...padding });
    // every other record changes one item again (a stream shows each change, a store ends with the
    // last); the others insert items of their own (a store that keeps only a key's last write still
    // needs several calls for them)
    const changes = Array.from({ length: records }, (_, n): DynamoDBChange => {
      if (n % 2 === 1) return { eventName: 'INSERT', keys: { id: `${hot}-other-${n}` }, newImage: item(`${hot}-other-${n}`, n) };
      if (n === 0) return { eventName: 'INSERT', keys: { id: hot }, newImage: item(hot, n) };
      return { eventName: 'MODIFY', keys: { id: hot }, oldImage: item(hot, n - 2), newImage: item(hot, n) };
    });
    const event = dynamodbEvent(sourceArn, changes);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const { arrived, expected } = await destination.observe(sentChanges(event, changes), 'dynamodb', 'in order');
    expect(arrived).toEqual(expected);
  });

  const jsonRecords = [
    { partitionKey: 'big', data: '{"id":12345678901234567890,"x":1.0}' },
    { partitionKey: 'decimal', data: '{"amount":10.50,"text":"Zoë"}' },
  ];

  if (isCollapsible(target)) {
    collapseCases(target);

    it('keeps the text of each record inside the {"Records":[...]} message of collapse JSON', async () => {
      const sourceArn = kinesisSourceArn();
      const destination = await target.createDestination();
      const fanout = await fanoutTo(target, sourceArn, [{ id: 'json', destination, options: { collapse: 'JSON' } }]);
      const event = kinesisEvent(sourceArn, jsonRecords);

      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

      const sent = event.Records.map((record): CollapsedRecord => ({ data: Buffer.from(record.kinesis.data, 'base64'), message: target.collapse.messageOf(record) }));
      expect((await destination.messages()).map(readable)).toEqual(collapsedMessages(sent, 'JSON').map(readable));
    });
  } else {
    it('keeps the text of JSON records: an integer beyond a double, 1.0, 10.50', async () => {
      const sourceArn = kinesisSourceArn();
      const destination = await target.createDestination();
      const fanout = await fanoutTo(target, sourceArn, [{ id: 'json', destination }]);
      const event = kinesisEvent(sourceArn, jsonRecords);

      expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

      const sent = event.Records.map((record, index) => sentKinesis(record, jsonRecords[index]!));
      const { arrived, expected } = await destination.observe(sent, 'kinesis', 'any order');
      expect(arrived).toEqual(expected);
    });
  }
});

/** Collapse modes with data that is not UTF-8 text. */
function collapseCases(target: CollapsibleTarget): void {
  const binaryRecords = [
    { partitionKey: 'a', data: Buffer.from([0xff, 0x00, 0xfe, 0x80]) },
    { partitionKey: 'b', data: Buffer.from([0xc3, 0x28, 0x0a, 0x00]) },
  ];
  const modes: CollapseMode[] = ['none', 'concat', 'concat-b64'];
  const cases = modes.map((collapse) => {
    const carried = collapse === 'concat-b64' || target.collapse.takesBinary;
    return [collapse, carried ? 'the exact bytes arrive' : 'rejected, not retried', carried] as const;
  });

  it.each(cases)('binary data with collapse %s: %s', async (collapse, _outcome, carried) => {
    const sourceArn = kinesisSourceArn();
    const destination = await target.createDestination();
    const id = `binary-${collapse}`;
    const fanout = await fanoutTo(target, sourceArn, [{ id, destination, options: { collapse } }]);
    const event = kinesisEvent(sourceArn, binaryRecords);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    const sent = event.Records.map((record): CollapsedRecord => ({ data: Buffer.from(record.kinesis.data, 'base64'), message: target.collapse.messageOf(record) }));
    // uncollapsed messages are sent concurrently: compared in any order
    const arrived = (await destination.messages()).map(readable).sort(byText);
    expect(arrived).toEqual(carried ? collapsedMessages(sent, collapse).map(readable).sort(byText) : []);
    expect(rejectedAt(fanout, id)).toEqual(carried ? [] : event.Records.map((record) => record.kinesis.sequenceNumber));
  });
}
