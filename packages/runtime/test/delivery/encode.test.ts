import { describe, expect, it } from 'vitest';
import { dataAsJson, encodeCollapsed, encodeEach, encodeLastWritePerKey, encodeTextMessages } from '../../src/delivery/encode.js';
import type { FanoutRecord } from '../../src/records/index.js';
import { decodeKinesisRecords } from '../../src/records/kinesis.js';
import { COLLAPSE_MODES } from '../../src/targets/options.js';
import { kinesisEvent, positioned } from '../support/events.js';
import { record } from '../support/fake-sender.js';

const bodies = (encoded: ReturnType<typeof encodeCollapsed>) => encoded.entries.map((e) => e.body.toString());

describe('encodeEach', () => {
  it('makes an entry of each record, carrying it, its body and its size with the overhead; a body that throws rejects its record only', () => {
    const records = ['one', 'two', 'three'].map((data, index) => record(index, data));
    const encoded = encodeEach(
      records,
      (fanoutRecord) => {
        if (fanoutRecord.eventIndex === 1) throw new Error('not this one');
        return Buffer.from(fanoutRecord.data.toString().toUpperCase());
      },
      () => 2,
    );
    expect(encoded.entries.map((entry) => ({ records: entry.records, body: entry.body.toString(), size: entry.size }))).toEqual([
      { records: [records[0]], body: 'ONE', size: 5 },
      { records: [records[2]], body: 'THREE', size: 7 },
    ]);
    expect(encoded.rejected).toEqual([{ records: [records[1]], reason: 'not this one' }]);
  });
});

describe('encodeCollapsed', () => {
  const records = ['{"a":1}', '{"b":2}', '{"c":3}'].map((data, index) => record(index, data));

  it('none: one message per record, as is', () => {
    expect(bodies(encodeCollapsed(records, 'none', 100, dataAsJson))).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('JSON: as many records per {"Records":[...]} as fit in the limit, never more', () => {
    // {"Records":[{"a":1},{"b":2}]} is 29 bytes: a 29-byte limit takes two records, then one
    const encoded = encodeCollapsed(records, 'JSON', 29, dataAsJson);
    expect(bodies(encoded)).toEqual(['{"Records":[{"a":1},{"b":2}]}', '{"Records":[{"c":3}]}']);
    expect(encoded.entries.map((e) => e.records.map((r) => r.eventIndex))).toEqual([[0, 1], [2]]);
    expect(encoded.entries.every((e) => e.size <= 29)).toBe(true);
  });

  it('concat and concat-b64: the bytes joined, split so that each message fits', () => {
    expect(bodies(encodeCollapsed(records, 'concat', 14, dataAsJson))).toEqual(['{"a":1}{"b":2}', '{"c":3}']);
    // base64 of 14 bytes is 20 characters, of 21 bytes 28: a 27-byte limit takes two records
    const base64 = encodeCollapsed(records, 'concat-b64', 27, dataAsJson);
    expect(bodies(base64)).toEqual([Buffer.from('{"a":1}{"b":2}').toString('base64'), Buffer.from('{"c":3}').toString('base64')]);
  });

  it('rejects a record that is not JSON in JSON mode, and one too large even alone, and keeps the rest', () => {
    const mixed = [record(0, 'not json'), record(1, `{"big":"${'x'.repeat(50)}"}`), record(2, '{"ok":true}')];
    const encoded = encodeCollapsed(mixed, 'JSON', 40, dataAsJson);
    expect(bodies(encoded)).toEqual(['{"Records":[{"ok":true}]}']);
    expect(encoded.rejected.map((rejection) => [rejection.records[0]!.eventIndex, rejection.reason])).toEqual([
      [0, 'its data is not JSON, which collapse JSON needs; use collapse none, concat or concat-b64'],
      [1, '74 bytes collapsed, more than the 40-byte limit'],
    ]);
  });

  /** Records as the event gives them: their data in base64, decoded where it is written. */
  const fromEvent = (...data: Array<string | Buffer>) =>
    decodeKinesisRecords(
      positioned(kinesisEvent('arn:aws:kinesis:us-east-1:123456789012:stream/s', data.map((bytes) => ({ partitionKey: 'k', data: bytes })))),
      false,
    ).records;

  it('writes records given in base64 byte for byte as records given as bytes, in every mode and at every limit', () => {
    const texts = ['{"a":1}', '{"text":"héllo ✓"}', '[1,2,3]', '{"k":"' + 'x'.repeat(40) + '"}', '"just a string"', '{"n":-1.5e3}'];
    const asBytes = texts.map((text, index) => record(index, text));
    for (const mode of COLLAPSE_MODES) {
      for (const limit of [30, 64, 100, 1_000]) {
        const given = encodeCollapsed(fromEvent(...texts), mode, limit, dataAsJson);
        const expected = encodeCollapsed(asBytes, mode, limit, dataAsJson);
        expect(bodies(given), `${mode} at ${limit}`).toEqual(bodies(expected));
        expect(given.entries.map((entry) => entry.records.map((r) => r.eventIndex))).toEqual(expected.entries.map((entry) => entry.records.map((r) => r.eventIndex)));
        expect(given.rejected.map((rejection) => rejection.reason)).toEqual(expected.rejected.map((rejection) => rejection.reason));
        for (const entry of given.entries) expect(entry.size).toBe(entry.body.length);
      }
    }
  });

  it('leaves a refused record out of the body it was written into, and the records around it in', () => {
    const target = { id: 't', type: 'sqs', destination: 'q', active: true, parallel: true } as const;
    const limits = { maxEntries: 10, maxBatchBytes: 1_000, maxEntryBytes: 1_000 };
    const json = encodeTextMessages(fromEvent('{"a":1}', 'not json', Buffer.from([0x22, 0xff, 0x22]), '{"b":2}'), { ...target, collapse: 'JSON' }, limits);
    expect(bodies(json)).toEqual(['{"Records":[{"a":1},{"b":2}]}']);
    expect(json.rejected.map((rejection) => [rejection.records[0]!.eventIndex, rejection.reason])).toEqual([
      [1, 'its data is not JSON, which collapse JSON needs; use collapse none, concat or concat-b64'],
      [2, 'its data is not UTF-8 text, which this service needs; use collapse concat-b64 (now JSON)'],
    ]);
    const concat = encodeTextMessages(fromEvent('one ', Buffer.from([0xc3, 0x28]), 'two'), { ...target, collapse: 'concat' }, limits);
    expect(bodies(concat)).toEqual(['one two']);
    expect(concat.rejected.map((rejection) => rejection.records[0]!.eventIndex)).toEqual([1]);
    // base64 is text whatever the bytes
    const base64 = encodeTextMessages(fromEvent('one ', Buffer.from([0xc3, 0x28]), 'two'), { ...target, collapse: 'concat-b64' }, limits);
    expect(base64.entries.map((entry) => Buffer.from(entry.body.toString(), 'base64'))).toEqual([Buffer.concat([Buffer.from('one '), Buffer.from([0xc3, 0x28]), Buffer.from('two')])]);
  });

  it('packs as if a refused record were not there: it never ends a body early', () => {
    const target = { id: 't', type: 'sqs', destination: 'q', active: true, parallel: true } as const;
    // {"Records":[{"a":1},{"b":2}]} is 29 bytes; the refused record between them would not fit with the first
    const limits = { maxEntries: 10, maxBatchBytes: 30, maxEntryBytes: 30 };
    const json = encodeTextMessages(fromEvent('{"a":1}', 'x'.repeat(15), '{"b":2}'), { ...target, collapse: 'JSON' }, limits);
    expect(bodies(json)).toEqual(['{"Records":[{"a":1},{"b":2}]}']);
    expect(json.rejected.map((rejection) => rejection.records[0]!.eventIndex)).toEqual([1]);
    const concat = encodeTextMessages(fromEvent('a'.repeat(10), Buffer.alloc(25, 0xff), 'b'.repeat(10)), { ...target, collapse: 'concat' }, limits);
    expect(bodies(concat)).toEqual(['a'.repeat(10) + 'b'.repeat(10)]);
    expect(concat.rejected.map((rejection) => rejection.records[0]!.eventIndex)).toEqual([1]);
  });

  it('refuses a record that is JSON but not UTF-8 in a later body of many, and packs every body as if it were not there', () => {
    const target = { id: 't', type: 'sqs', destination: 'q', active: true, parallel: true } as const;
    const limits = { maxEntries: 10, maxBatchBytes: 60, maxEntryBytes: 60 };
    const texts = Array.from({ length: 12 }, (_, index) => `{"n":${index}}`);
    const badText = Buffer.concat([Buffer.from('{"s":"'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const withBad = encodeTextMessages(fromEvent(...texts.slice(0, 8), badText, ...texts.slice(8)), { ...target, collapse: 'JSON' }, limits);
    const without = encodeTextMessages(fromEvent(...texts), { ...target, collapse: 'JSON' }, limits);
    expect(bodies(withBad)).toEqual(bodies(without));
    expect(bodies(withBad).length).toBeGreaterThan(2);
    expect(withBad.rejected.map((rejection) => [rejection.records[0]!.eventIndex, rejection.reason])).toEqual([
      [8, 'its data is not UTF-8 text, which this service needs; use collapse concat-b64 (now JSON)'],
    ]);
  });
});

describe('encodeLastWritePerKey', () => {
  const keyed = (eventIndex: number, key: string, action: FanoutRecord['action'] = 'PUT'): FanoutRecord => ({ ...record(eventIndex, `${key} ${eventIndex}`), key, action });
  const written = (encoded: ReturnType<typeof encodeLastWritePerKey>) =>
    encoded.entries.map((entry) => ({ writes: entry.records.map(({ eventIndex }) => eventIndex), body: entry.body.toString() }));

  it('writes each key once, with its last record, carrying the records it supersedes in order', () => {
    const records = [keyed(0, 'a'), keyed(1, 'b'), keyed(2, 'a'), keyed(3, 'c'), keyed(4, 'b', 'REMOVE'), keyed(5, 'a')];
    expect(written(encodeLastWritePerKey(records))).toEqual([
      { writes: [3], body: 'c 3' },
      { writes: [1, 4], body: '' },
      { writes: [0, 2, 5], body: 'a 5' },
    ]);
  });

  it('writes a key written twice once, after the keys written once before its last record', () => {
    expect(written(encodeLastWritePerKey([keyed(0, 'a'), keyed(1, 'b'), keyed(2, 'a')]))).toEqual([
      { writes: [1], body: 'b 1' },
      { writes: [0, 2], body: 'a 2' },
    ]);
  });

  it('writes every record when every key is written once, in order', () => {
    const records = [keyed(0, 'a'), keyed(1, 'b', 'REMOVE'), keyed(2, 'c')];
    expect(written(encodeLastWritePerKey(records))).toEqual([
      { writes: [0], body: 'a 0' },
      { writes: [1], body: '' },
      { writes: [2], body: 'c 2' },
    ]);
  });

  it('rejects a key the store cannot take with every record written to it, and keeps the rest', () => {
    const encoded = encodeLastWritePerKey([keyed(0, 'bad'), keyed(1, 'good'), keyed(2, 'bad')], (key) => {
      if (key === 'bad') throw new Error('not a key');
    });
    expect(written(encoded)).toEqual([{ writes: [1], body: 'good 1' }]);
    expect(encoded.rejected.map(({ records, reason }) => ({ writes: records.map(({ eventIndex }) => eventIndex), reason }))).toEqual([{ writes: [0, 2], reason: 'not a key' }]);
  });
});
