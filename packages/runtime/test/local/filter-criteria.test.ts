import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { recordFilter } from '../../src/local/filter-criteria.js';

/** A Kinesis event record as the poller gives it to the filter. */
function kinesisRecord(data: string, partitionKey = 'k'): KinesisStreamRecord {
  return {
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey, sequenceNumber: '1', data: Buffer.from(data).toString('base64'), approximateArrivalTimestamp: 1 },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: 'shardId-000000000000:1',
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/r',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
  };
}

/** Which of the data texts pass the patterns. */
function passing(patterns: readonly object[], texts: readonly string[]): string[] {
  const filter = recordFilter(patterns.map((pattern) => JSON.stringify(pattern)));
  return texts.filter((text) => filter(kinesisRecord(text)));
}

describe('FilterCriteria patterns (Lambda\'s filter rule syntax)', () => {
  it('matches exact values, null and empty strings, a field of a list by any element', () => {
    const texts = ['{"a":"x"}', '{"a":"y"}', '{"a":null}', '{"a":""}', '{"a":["y","x"]}', '{"a":1}', '{"b":"x"}'];
    expect(passing([{ data: { a: ['x'] } }], texts)).toEqual(['{"a":"x"}', '{"a":["y","x"]}']);
    expect(passing([{ data: { a: [null] } }], texts)).toEqual(['{"a":null}']);
    expect(passing([{ data: { a: [''] } }], texts)).toEqual(['{"a":""}']);
    expect(passing([{ data: { a: [1] } }], texts)).toEqual(['{"a":1}']);
  });

  it('matches numeric ranges and equality, on numbers only', () => {
    const texts = ['{"n":0}', '{"n":10}', '{"n":10.5}', '{"n":20}', '{"n":"15"}'];
    expect(passing([{ data: { n: [{ numeric: ['>', 0, '<=', 10.5] }] } }], texts)).toEqual(['{"n":10}', '{"n":10.5}']);
    expect(passing([{ data: { n: [{ numeric: ['=', 20] }] } }], texts)).toEqual(['{"n":20}']);
  });

  it('matches prefix, suffix, equals-ignore-case, wildcard and anything-but', () => {
    const texts = ['{"s":"us-east"}', '{"s":"US-WEST"}', '{"s":"eu-west"}', '{"s":5}'];
    expect(passing([{ data: { s: [{ prefix: 'us-' }] } }], texts)).toEqual(['{"s":"us-east"}']);
    expect(passing([{ data: { s: [{ prefix: { 'equals-ignore-case': 'US-' } }] } }], texts)).toEqual(['{"s":"us-east"}', '{"s":"US-WEST"}']);
    expect(passing([{ data: { s: [{ suffix: 'west' }] } }], texts)).toEqual(['{"s":"eu-west"}']);
    expect(passing([{ data: { s: [{ 'equals-ignore-case': 'us-west' }] } }], texts)).toEqual(['{"s":"US-WEST"}']);
    expect(passing([{ data: { s: [{ wildcard: '*-west' }] } }], texts)).toEqual(['{"s":"eu-west"}']);
    expect(passing([{ data: { s: [{ 'anything-but': ['us-east', 5] }] } }], texts)).toEqual(['{"s":"US-WEST"}', '{"s":"eu-west"}']);
    expect(passing([{ data: { s: [{ 'anything-but': { prefix: 'us' } }] } }], texts)).toEqual(['{"s":"US-WEST"}', '{"s":"eu-west"}']);
  });

  it('matches exists true and false, nested fields, and $or within a pattern; several filters are OR\'d', () => {
    const texts = ['{"o":{"p":1}}', '{"o":{"q":1}}', '{"r":1}', 'not json'];
    expect(passing([{ data: { o: { p: [{ exists: true }] } } }], texts)).toEqual(['{"o":{"p":1}}']);
    expect(passing([{ data: { o: { p: [{ exists: false }] } } }], texts)).toEqual(['{"o":{"q":1}}', '{"r":1}', 'not json']);
    expect(passing([{ data: { $or: [{ o: { q: [1] } }, { r: [1] }] } }], texts)).toEqual(['{"o":{"q":1}}', '{"r":1}']);
    expect(passing([{ data: { o: { p: [1] } } }, { data: { r: [1] } }], texts)).toEqual(['{"o":{"p":1}}', '{"r":1}']);
  });

  it('matches the record\'s metadata (partition key, event name) beside its data', () => {
    const filter = recordFilter([JSON.stringify({ partitionKey: [{ prefix: 'vip-' }], eventName: ['aws:kinesis:record'] })]);
    expect(filter(kinesisRecord('x', 'vip-1'))).toBe(true);
    expect(filter(kinesisRecord('x', 'plain'))).toBe(false);
  });

  it('matches DynamoDB records on their event name and images, in DynamoDB JSON', () => {
    const filter = recordFilter([JSON.stringify({ eventName: ['MODIFY'], dynamodb: { NewImage: { total: { N: [{ prefix: '1' }] } } } })]);
    const change = (eventName: 'INSERT' | 'MODIFY', total: string): DynamoDBRecord => ({ eventName, dynamodb: { NewImage: { total: { N: total } } } });
    expect([change('MODIFY', '12'), change('INSERT', '12'), change('MODIFY', '21')].map(filter)).toEqual([true, false, false]);
  });

  it('refuses a pattern Lambda would refuse, naming the filter and the field', () => {
    expect(() => recordFilter(['{"data": {"a": [{"numeric": [">"]}]}}'])).toThrow(/^FilterCriteria\.Filters\[0\]\.Pattern: data\.a: numeric takes/);
    expect(() => recordFilter(['{}', '{"data": {"a": [{"between": 1}]}}'])).toThrow(/^FilterCriteria\.Filters\[1\]\.Pattern: data\.a: .* is no rule/);
    expect(() => recordFilter(['{"data": '])).toThrow(/^FilterCriteria\.Filters\[0\]\.Pattern: not JSON/);
  });
});
