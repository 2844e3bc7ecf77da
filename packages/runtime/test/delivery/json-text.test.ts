import { seededRandom } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { isJsonText } from '../../src/delivery/json-text.js';

/** The reference: what JSON.parse says of the same bytes, read one byte a character. */
function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('latin1'));
    return true;
  } catch {
    return false;
  }
}

const VALID = [
  '{}',
  '[]',
  ' \t\r\n{ "a" : [ 1 , -0 , 0.5 , -12.5e+3 , 1E-2 , 2e9 ] , "b" : { } , "c" : [ ] }\n',
  '"text"',
  '"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00"',
  'true',
  'false',
  'null',
  '0',
  '-0.0e0',
  '[[[[[[{"deep":[null]}]]]]]]',
  '{"a":{"b":{"c":[true,false,null,"x",1]}}}',
  '"caf\u00c3\u00a9"',
];

const INVALID = [
  '',
  ' ',
  '{',
  '}',
  '[1,]',
  '[,1]',
  '{"a":1,}',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '{"a":1}}',
  '[1]]',
  '[1 2]',
  '01',
  '1.',
  '.5',
  '-',
  '+1',
  '1e',
  '1e+',
  '0x10',
  'NaN',
  'Infinity',
  'tru',
  'nul',
  'truex',
  '"unterminated',
  '"bad \\x escape"',
  '"\\u12G4"',
  '"\\u12"',
  '"tab\there"',
  '"new\nline"',
  '{"a":1} {"b":2}',
  '\u00ef\u00bb\u00bf{}',
  '[1,2',
  '{"a":[1,2}',
];

describe('isJsonText', () => {
  it.each(VALID)('takes %j, as JSON.parse does', (text) => {
    const bytes = Buffer.from(text, 'latin1');
    expect(parses(bytes)).toBe(true);
    expect(isJsonText(bytes)).toBe(true);
  });

  it.each(INVALID)('refuses %j, as JSON.parse does', (text) => {
    const bytes = Buffer.from(text, 'latin1');
    expect(parses(bytes)).toBe(false);
    expect(isJsonText(bytes)).toBe(false);
  });

  it('agrees with JSON.parse on 20,000 mutations of JSON texts', () => {
    const random = seededRandom(20261201);
    const alphabet = Buffer.from('{}[]":,.-+0123456789eEtruefalsn \t\n\\/bu"aF\u00e9\u0001', 'latin1');
    const disagreements: string[] = [];
    for (let round = 0; round < 20_000; round++) {
      const bytes = Buffer.from(VALID[Math.floor(random() * VALID.length)]!, 'latin1');
      const edits = 1 + Math.floor(random() * 3);
      let mutated = bytes;
      for (let edit = 0; edit < edits; edit++) {
        const at = Math.floor(random() * (mutated.length + 1));
        const byte = alphabet[Math.floor(random() * alphabet.length)]!;
        const kind = random();
        if (kind < 0.4) mutated = Buffer.concat([mutated.subarray(0, at), Buffer.of(byte), mutated.subarray(at)]);
        else if (kind < 0.7) mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1)]);
        else if (at < mutated.length) mutated = Buffer.concat([mutated.subarray(0, at), Buffer.of(byte), mutated.subarray(at + 1)]);
      }
      if (isJsonText(mutated) !== parses(mutated)) disagreements.push(mutated.toString('latin1'));
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees with JSON.parse on long strings read a word at a time: every byte that ends a plain run, at every position and alignment', () => {
    const plain = Buffer.from('abc \u00e9\u00ff~\u007f\u0080 0123456789'.repeat(4), 'latin1');
    // a quote, a backslash (alone and as an escape), control characters, and the plain bytes around the tested ranges
    const inserts = [[0x22], [0x5c], [0x5c, 0x6e], [0x5c, 0x22], [0x00], [0x1f], [0x09], [0x20], [0x21], [0x23], [0x5b], [0x5d], [0x7f], [0x80], [0xff]];
    const disagreements: string[] = [];
    for (const insert of inserts) {
      for (let at = 0; at <= plain.length; at++) {
        const text = Buffer.concat([Buffer.from('{"text":"', 'latin1'), plain.subarray(0, at), Buffer.from(insert), plain.subarray(at), Buffer.from('","n":1}', 'latin1')]);
        for (let offset = 0; offset < 4; offset++) {
          const placed = Buffer.alloc(text.length + 8);
          text.copy(placed, offset);
          const bytes = placed.subarray(offset, offset + text.length);
          if (isJsonText(bytes) !== parses(bytes)) disagreements.push(`${offset}: ${JSON.stringify(bytes.toString('latin1'))}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('reads each part of a buffer, and of buffers of the same size read in turn, in its own bytes', () => {
    const record = (text: string) => Buffer.from(`{"text":"${text}"}`, 'latin1');
    const plain = record('x'.repeat(100));
    const withTab = record(`${'x'.repeat(60)}\t${'x'.repeat(39)}`);
    // each in a buffer of its own (Buffer.concat could place both in the pool's), of one size, the tab where the other has an x
    const own = (bytes: Buffer) => Buffer.from(new Uint8Array(bytes).buffer);
    const allPlain = own(Buffer.concat([plain, plain, plain]));
    const someWithTab = own(Buffer.concat([plain, withTab, withTab]));
    expect(allPlain.buffer).not.toBe(someWithTab.buffer);
    const part = (bytes: Buffer, index: number) => bytes.subarray(index * plain.length, (index + 1) * plain.length);
    const reads = [
      [part(allPlain, 1), true],
      [part(someWithTab, 1), false],
      [part(allPlain, 2), true],
      [part(someWithTab, 0), true],
      [part(someWithTab, 2), false],
    ] as const;
    expect(reads.map(([bytes]) => isJsonText(bytes))).toEqual(reads.map(([, valid]) => valid));
  });

  it('reads a text larger than the scan held before, and then a shorter one in its own bytes alone', () => {
    const long = Buffer.from(`{"text":"${'x'.repeat(200_000)}\u0001"}`, 'latin1');
    expect(isJsonText(long)).toBe(false);
    const valid = Buffer.from(`{"text":"${'x'.repeat(150_000)}"}`, 'latin1');
    expect(isJsonText(valid)).toBe(true);
    // the bytes after its end, left from the longer text, would close its string
    expect(isJsonText(valid.subarray(0, 100_000))).toBe(false);
    expect(isJsonText(Buffer.from('{"text":"short"}'))).toBe(true);
  });

  it('takes nesting deeper than a call stack would allow', () => {
    const depth = 200_000;
    const bytes = Buffer.from('['.repeat(depth) + ']'.repeat(depth));
    expect(isJsonText(bytes)).toBe(true);
    expect(isJsonText(bytes.subarray(1))).toBe(false);
  });
});
