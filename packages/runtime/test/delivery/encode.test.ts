import { describe, expect, it } from 'vitest';
import { dataAsJson, encodeCollapsed } from '../../src/delivery/encode.js';
import { record } from '../support/fake-sender.js';

const bodies = (encoded: ReturnType<typeof encodeCollapsed>) => encoded.entries.map((e) => e.body.toString());

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
});
