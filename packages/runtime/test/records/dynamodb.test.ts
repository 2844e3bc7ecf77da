import { describe, expect, it } from 'vitest';
import { decodeRecords } from '../../src/records/index.js';
import { dynamodbEvent, positioned } from '../support/events.js';
import { dynamodbSourceArn } from '../support/harness.js';

const sourceArn = dynamodbSourceArn('orders');

const event = dynamodbEvent(sourceArn, [
  { eventName: 'INSERT', keys: { pk: 'order-1', sk: 7 }, newImage: { pk: 'order-1', sk: 7, total: 12.5, tags: new Set(['a', 'b']) } },
  {
    eventName: 'MODIFY',
    keys: { pk: 'order-1', sk: 7 },
    oldImage: { pk: 'order-1', sk: 7, total: 12.5 },
    newImage: { pk: 'order-1', sk: 7, total: 20, blob: Buffer.from([1, 2, 3]) },
  },
  { eventName: 'REMOVE', keys: { pk: 'order-1', sk: 7 }, oldImage: { pk: 'order-1', sk: 7, total: 20 } },
]);

describe('DynamoDB Streams records', () => {
  it('takes the new image for INSERT and MODIFY and the old one for REMOVE, in DynamoDB JSON', () => {
    const { records, undecodable } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: false });
    expect(undecodable).toEqual([]);
    expect(records.map((record) => record.action)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(records.map((record) => JSON.parse(record.data.toString()))).toEqual([
      event.Records[0]!.dynamodb!.NewImage,
      event.Records[1]!.dynamodb!.NewImage,
      event.Records[2]!.dynamodb!.OldImage,
    ]);
    expect(records.map((record) => record.sequenceNumber)).toEqual(event.Records.map((record) => record.dynamodb!.SequenceNumber));
  });

  it('joins the key attribute values, ordered by attribute name, with |', () => {
    const { records } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: false });
    expect(records.map((record) => record.key)).toEqual(['order-1|7', 'order-1|7', 'order-1|7']);
    expect(records[0]!.keys).toEqual({ pk: 'order-1', sk: 7 });
  });

  it('converts images to plain JSON with convertDDB (sets as arrays, binary as base64)', () => {
    const { records } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: true });
    expect(records.map((record) => JSON.parse(record.data.toString()))).toEqual([
      { pk: 'order-1', sk: 7, total: 12.5, tags: ['a', 'b'] },
      { pk: 'order-1', sk: 7, total: 20, blob: 'AQID' },
      { pk: 'order-1', sk: 7, total: 20 },
    ]);
    expect(records[1]!.eventRecord).toMatchObject({ dynamodb: { NewImage: { total: 20, blob: 'AQID' }, OldImage: { total: 12.5 } } });
  });

  it('gives the keys as data when the stream carries no images (KEYS_ONLY)', () => {
    const keysOnly = dynamodbEvent(sourceArn, [{ eventName: 'INSERT', keys: { pk: 'k' } }]);
    const { records } = decodeRecords(positioned(keysOnly), { deaggregate: false, convertDDB: true });
    expect(JSON.parse(records[0]!.data.toString())).toEqual({ pk: 'k' });
  });

  it('reports a record that is not a stream record as undecodable and goes on', () => {
    const broken = dynamodbEvent(sourceArn, [{ eventName: 'INSERT', keys: { pk: 'a' } }, { eventName: 'INSERT', keys: { pk: 'b' } }]);
    delete broken.Records[0]!.dynamodb!.Keys;
    const { records, undecodable } = decodeRecords(positioned(broken), { deaggregate: false, convertDDB: false });
    expect(undecodable.map((record) => record.eventIndex)).toEqual([0]);
    expect(records.map((record) => record.key)).toEqual(['b']);
  });
});

describe('DynamoDB numbers with convertDDB', () => {
  it('keeps every digit: a number JSON cannot carry exactly arrives as its exact text, in data and key', () => {
    const event = dynamodbEvent(sourceArn, [
      { eventName: 'INSERT', keys: { id: 12345678901234567890n }, newImage: { id: 12345678901234567890n, small: 42, price: 19.99 } },
    ]);
    const { records, undecodable } = decodeRecords(positioned(event), { deaggregate: false, convertDDB: true });
    expect(undecodable).toEqual([]);
    expect(records[0]!.data.toString()).toBe('{"id":"12345678901234567890","small":42,"price":19.99}');
    expect(records[0]!.key).toBe('12345678901234567890');
  });
});
