import { isUtf8 } from 'node:buffer';
import type { FanoutRecord } from '../records/index.js';
import { isJsonText } from './json-text.js';
import type { CollapseMode, TargetOptions } from '../targets/options.js';
import type { BatchLimits, Encoded, Entry, Rejection } from '../targets/types.js';

/** One entry per record, with the body the target makes of it. `overhead` adds what else the API counts. */
export function encodeEach(
  records: readonly FanoutRecord[],
  body: (record: FanoutRecord) => Buffer,
  overhead: (record: FanoutRecord) => number = () => 0,
): Encoded {
  const encoded: Encoded = { entries: [], rejected: [] };
  for (const record of records) {
    try {
      const entryBody = body(record);
      encoded.entries.push({ records: [record], body: entryBody, size: entryBody.length + overhead(record) });
    } catch (error) {
      encoded.rejected.push({ records: [record], reason: (error as Error).message });
    }
  }
  return encoded;
}

/**
 * For key-value stores: one entry per key, carrying the key's last record (whose action and data
 * the store ends with) and all the records it supersedes, so that batches sent concurrently cannot
 * leave an older value behind, and every record gets the outcome of its key's write.
 */
export function encodeLastWritePerKey(records: readonly FanoutRecord[], checkKey: (key: string) => void = () => undefined): Encoded {
  const lastWriteAt = new Map<string, number>();
  records.forEach((record, index) => lastWriteAt.set(record.key, index));
  // the earlier records of keys written more than once, in order
  const superseded = new Map<string, FanoutRecord[]>();
  const encoded: Encoded = { entries: [], rejected: [] };
  records.forEach((last, index) => {
    const { key } = last;
    if (lastWriteAt.get(key) !== index) {
      const earlier = superseded.get(key);
      if (earlier) earlier.push(last);
      else superseded.set(key, [last]);
      return;
    }
    const writes = superseded.has(key) ? [...superseded.get(key)!, last] : [last];
    try {
      checkKey(key);
    } catch (error) {
      encoded.rejected.push({ records: writes, reason: (error as Error).message });
      return;
    }
    const body = last.action === 'REMOVE' ? Buffer.alloc(0) : last.data;
    encoded.entries.push({ records: writes, body, size: body.length + Buffer.byteLength(key) });
  });
  return encoded;
}

/** The record a key-value entry writes: the last of its key. */
export function lastWrite(entry: Entry): FanoutRecord {
  return entry.records.at(-1)!;
}

/** How a collapsible target turns records into message bodies; each throws when a record cannot be one. */
export interface CollapseEncoding {
  /** The body of a record alone (mode `none`). */
  single(record: FanoutRecord): Buffer;
  /** A record as JSON text, to be an element of `{"Records":[...]}` (mode `JSON`). */
  element(record: FanoutRecord): Buffer;
  /** A record's bytes, to be joined with others (modes `concat`, and `concat-b64` before base64). */
  joinable(record: FanoutRecord, mode: 'concat' | 'concat-b64'): Buffer;
}

/**
 * The record's own bytes, which must be JSON text for `JSON` mode: how SNS, SQS and IoT collapse
 * records. The text is checked, not rewritten, so that numbers and spacing arrive as they were.
 */
export const dataAsJson: CollapseEncoding = {
  single: (record) => record.data,
  element: (record) => {
    if (!isJsonText(record.data)) throw new Error('its data is not JSON, which collapse JSON needs; use collapse none, concat or concat-b64');
    return record.data;
  },
  joinable: (record) => record.data,
};

const JSON_OPEN = Buffer.from('{"Records":[');
const JSON_CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** `{"Records":[...]}` around JSON texts. */
export function recordsPayload(elements: readonly Buffer[]): Buffer {
  return Buffer.concat([JSON_OPEN, ...elements.flatMap((element, index) => (index === 0 ? [element] : [COMMA, element])), JSON_CLOSE]);
}

/** The bytes `{"Records":[...]}` adds to its elements, commas aside. */
export const RECORDS_PAYLOAD_FRAMING_BYTES = JSON_OPEN.length + JSON_CLOSE.length;

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/**
 * Records → message bodies in a collapse mode, each body at most `maxBytes`:
 * `none` one per record; `JSON` `{"Records":[...]}` with as many as fit; `concat` the raw bytes
 * joined; `concat-b64` the joined bytes in base64. A record too large even alone is rejected.
 */
export function encodeCollapsed(
  records: readonly FanoutRecord[],
  mode: CollapseMode,
  maxBytes: number,
  encoding: CollapseEncoding,
): Encoded {
  if (mode === 'none') return encodeEach(records, encoding.single);

  const entries: Entry[] = [];
  const rejected: Rejection[] = [];
  const framing = mode === 'JSON' ? RECORDS_PAYLOAD_FRAMING_BYTES : 0;
  const bodySize = (rawBytes: number, parts: number): number => {
    if (mode === 'concat-b64') return base64Length(rawBytes);
    return rawBytes + framing + (mode === 'JSON' ? Math.max(parts - 1, 0) : 0);
  };
  let parts: Buffer[] = [];
  let partRecords: FanoutRecord[] = [];
  let rawBytes = 0;

  const flush = (): void => {
    if (parts.length === 0) return;
    const joined = mode === 'JSON' ? recordsPayload(parts) : Buffer.concat(parts);
    const body = mode === 'concat-b64' ? Buffer.from(joined.toString('base64')) : joined;
    entries.push({ records: partRecords, body, size: body.length });
    parts = [];
    partRecords = [];
    rawBytes = 0;
  };

  for (const record of records) {
    let part: Buffer;
    try {
      part = mode === 'JSON' ? encoding.element(record) : encoding.joinable(record, mode);
    } catch (error) {
      rejected.push({ records: [record], reason: (error as Error).message });
      continue;
    }
    if (bodySize(part.length, 1) > maxBytes) {
      rejected.push({ records: [record], reason: `${bodySize(part.length, 1)} bytes collapsed, more than the ${maxBytes}-byte limit` });
      continue;
    }
    if (bodySize(rawBytes + part.length, parts.length + 1) > maxBytes) flush();
    parts.push(part);
    partRecords.push(record);
    rawBytes += part.length;
  }
  flush();
  return { entries, rejected };
}

/** Message services take text only: refuse a body that is not valid UTF-8. */
export function requireText(body: Buffer, collapse: CollapseMode): Buffer {
  if (!isUtf8(body)) {
    throw new Error(`its data is not UTF-8 text, which this service needs; use collapse concat-b64 (now ${collapse})`);
  }
  return body;
}

/** The encoder of a message service (SNS, SQS): collapsed per the target's mode into messages the destination takes, text only. */
export function encodeTextMessages(records: readonly FanoutRecord[], target: TargetOptions, limits: BatchLimits): Encoded {
  const collapse = target.collapse ?? 'JSON';
  return encodeCollapsed(records, collapse, limits.maxEntryBytes, {
    single: (record) => requireText(record.data, collapse),
    element: (record) => requireText(dataAsJson.element(record), collapse),
    joinable: (record, mode) => (mode === 'concat' ? requireText(record.data, collapse) : record.data),
  });
}
