import { describe, expect, it } from 'vitest';
import { decodeRecords } from '../../src/records/index.js';
import { dynamodbEvent, kinesisEvent, positioned } from '../support/events.js';
import { dynamodbSourceArn, kinesisSourceArn } from '../support/harness.js';
import { kplAggregate, withCorruptedChecksum } from '../support/kpl.js';

const sourceArn = kinesisSourceArn('records');

const userRecords = [
  { partitionKey: 'user-1', data: Buffer.from('{"a":1}') },
  { partitionKey: 'user-2', data: Buffer.from([0, 1, 2, 0xff]) },
  { partitionKey: 'user-1', data: Buffer.from('third') },
];

describe('Kinesis records', () => {
  it('decodes data from base64 with the partition key as key', () => {
    const event = kinesisEvent(sourceArn, [{ partitionKey: 'pk', data: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }]);
    const { records, undecodable } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: false });
    expect(undecodable).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      eventIndex: 0,
      key: 'pk',
      action: 'PUT',
      sourceArn,
      sequenceNumber: event.Records[0]!.kinesis.sequenceNumber,
      approximateArrivalTimestamp: event.Records[0]!.kinesis.approximateArrivalTimestamp,
    });
    expect(records[0]!.data).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    expect(records[0]!.subSequenceNumber).toBeUndefined();
  });

  it('opens a KPL aggregate into its sub-records, with keys, bytes and sub-sequence numbers', () => {
    const aggregate = kplAggregate(userRecords);
    const event = kinesisEvent(sourceArn, [{ partitionKey: 'plain', data: 'not aggregated' }, aggregate]);
    const { records, undecodable } = decodeRecords(positioned(event), { deaggregate: true, convertDDB: false });
    expect(undecodable).toEqual([]);
    expect(records.map((record) => [record.eventIndex, record.key, record.subSequenceNumber, record.data])).toEqual([
      [0, 'plain', undefined, Buffer.from('not aggregated')],
      [1, 'user-1', 0, userRecords[0]!.data],
      [1, 'user-2', 1, userRecords[1]!.data],
      [1, 'user-1', 2, userRecords[2]!.data],
    ]);
    expect(new Set(records.slice(1).map((record) => record.sequenceNumber))).toEqual(new Set([event.Records[1]!.kinesis.sequenceNumber]));
    // the event record handed on (e.g. to a lambda target) carries the sub-record
    expect(records[2]!.eventRecord).toMatchObject({ kinesis: { partitionKey: 'user-2', data: userRecords[1]!.data.toString('base64') } });
  });

  it('leaves an aggregate closed when the target does not ask to deaggregate', () => {
    const aggregate = kplAggregate(userRecords);
    const event = kinesisEvent(sourceArn, [aggregate]);
    const { records } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: false });
    expect(records.map((record) => record.data)).toEqual([aggregate.data]);
  });

  it('reports an aggregate whose checksum does not match as undecodable and goes on with the others', () => {
    const corrupted = withCorruptedChecksum(kplAggregate(userRecords));
    const event = kinesisEvent(sourceArn, [{ partitionKey: 'p', data: corrupted }, { partitionKey: 'q', data: 'after' }]);
    const { records, undecodable } = decodeRecords(positioned(event), { deaggregate: true, convertDDB: false });
    expect(undecodable).toEqual([{ eventIndex: 0, sequenceNumber: event.Records[0]!.kinesis.sequenceNumber, reason: expect.stringMatching(/checksum/i) }]);
    expect(records.map((record) => record.data.toString())).toEqual(['after']);
  });
});

describe('records of both kinds, at their positions in the event', () => {
  it('decodes each kind its own way and gives every record the position it had, in the event\'s order', () => {
    const [plain, aggregate] = kinesisEvent(sourceArn, [{ partitionKey: 'plain', data: 'first' }, kplAggregate(userRecords)]).Records;
    const [change] = dynamodbEvent(dynamodbSourceArn('mixed'), [{ eventName: 'INSERT', keys: { id: 'item-1' }, newImage: { id: 'item-1' } }]).Records;
    const eventRecords = { records: [plain!, change!, aggregate!], eventIndices: [3, 7, 9] };

    const { records, undecodable } = decodeRecords(eventRecords, { deaggregate: true, convertDDB: true });

    expect(undecodable).toEqual([]);
    expect(records.map((record) => [record.eventIndex, record.action, record.key, record.data.toString('hex')])).toEqual([
      [3, 'PUT', 'plain', Buffer.from('first').toString('hex')],
      [7, 'INSERT', 'item-1', Buffer.from('{"id":"item-1"}').toString('hex')],
      ...userRecords.map(({ partitionKey, data }) => [9, 'PUT', partitionKey, data.toString('hex')]),
    ]);
  });
});
