import { isUtf8 } from 'node:buffer';
import { dataLength, writeData, type FanoutRecord } from '../records/index.js';
import { isJsonText } from './json-text.js';
import type { CollapseMode, TargetOptions } from '../targets/options.js';
import type { BatchLimits, Encoded, Entry, Rejection } from '../targets/types.js';

/**
 * The entry of one record. Its list of records is made when read (on a failure, mostly), not kept:
 * a batch's entries live through the invocation, and an array for each of 10,000 would be copied
 * by every collection until it ends.
 */
class OneRecordEntry implements Entry {
  constructor(
    private readonly record: FanoutRecord,
    readonly body: Buffer,
    readonly size: number,
  ) {}

  get records(): readonly FanoutRecord[] {
    return [this.record];
  }
}

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
      encoded.entries.push(new OneRecordEntry(record, entryBody, entryBody.length + overhead(record)));
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
  // when every key is written once (most batches), each record is its key's last: nothing more to look up
  const repeated = lastWriteAt.size < records.length;
  // the earlier records of keys written more than once, in order
  const superseded = new Map<string, FanoutRecord[]>();
  const encoded: Encoded = { entries: [], rejected: [] };
  records.forEach((last, index) => {
    const { key } = last;
    const earlier = repeated ? superseded.get(key) : undefined;
    if (repeated && lastWriteAt.get(key) !== index) {
      if (earlier) earlier.push(last);
      else superseded.set(key, [last]);
      return;
    }
    const writes = earlier ? [...earlier, last] : [last];
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

/** How a collapsible target turns records into message bodies. */
export interface CollapseEncoding {
  /** The body of a record alone (mode `none`); throws when the record cannot be one. */
  single(record: FanoutRecord): Buffer;
  /**
   * The element of `{"Records":[...]}` a record is (mode `JSON`), when it is not the record's own
   * bytes (which must then be JSON text); throws when the record cannot be one.
   */
  element?: (record: FanoutRecord) => Buffer;
  /** Whether a body must be UTF-8 text (message services): checked on each record's bytes where they are written, except in concat-b64. */
  text: boolean;
}

const NOT_JSON = 'its data is not JSON, which collapse JSON needs; use collapse none, concat or concat-b64';

/** The record's own bytes, which must be JSON text for `JSON` mode: how IoT collapses records. The text is checked, not rewritten, so that numbers and spacing arrive as they were. */
export const dataAsJson: CollapseEncoding = { single: (record) => record.data, text: false };

const JSON_OPEN = Buffer.from('{"Records":[');
const JSON_CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');
const COMMA_BYTE = 0x2c;

/** `{"Records":[...]}` around JSON texts. */
export function recordsPayload(elements: readonly Buffer[]): Buffer {
  return Buffer.concat([JSON_OPEN, ...elements.flatMap((element, index) => (index === 0 ? [element] : [COMMA, element])), JSON_CLOSE]);
}

/** The bytes `{"Records":[...]}` adds to its elements, commas aside. */
export const RECORDS_PAYLOAD_FRAMING_BYTES = JSON_OPEN.length + JSON_CLOSE.length;

/** What a body's parts are read for where they are written. */
interface PartChecks {
  json: boolean;
  text: boolean;
}

/** Why a record's bytes cannot be a part of a body, or undefined. */
function refusalOf(part: Buffer, checks: PartChecks, mode: CollapseMode): string | undefined {
  if (checks.json && !isJsonText(part)) return NOT_JSON;
  if (checks.text && !isUtf8(part)) return notTextReason(mode);
  return undefined;
}

function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/**
 * Records → message bodies in a collapse mode, each body at most `maxBytes`:
 * `none` one per record; `JSON` `{"Records":[...]}` with as many as fit; `concat` the raw bytes
 * joined; `concat-b64` the joined bytes in base64. A record too large even alone is rejected.
 * A record's own bytes are decoded from the event's base64 straight into its body, and checked
 * there: no buffer per record, nor a copy to join them.
 */
export function encodeCollapsed(
  records: readonly FanoutRecord[],
  mode: CollapseMode,
  maxBytes: number,
  encoding: CollapseEncoding,
): Encoded {
  if (mode === 'none') return encodeEach(records, encoding.single);

  const rejected: Rejection[] = [];
  const ownBytes = mode !== 'JSON' || encoding.element === undefined;
  const framing = mode === 'JSON' ? RECORDS_PAYLOAD_FRAMING_BYTES : 0;
  const separator = mode === 'JSON' ? 1 : 0;
  // the bytes a body holds before base64 (concat-b64) makes it a third larger
  const rawLimit = mode === 'concat-b64' ? Math.floor(maxBytes / 4) * 3 : maxBytes;
  // the modes that take any bytes read none of them
  const checks: PartChecks = { json: mode === 'JSON' && ownBytes, text: encoding.text && mode !== 'concat-b64' };
  const checked = checks.json || checks.text;
  // the elements made of the records (by index), when they are not the records' own bytes; undefined for a refused record
  const elements = ownBytes
    ? undefined
    : records.map((record) => {
        try {
          return encoding.element!(record);
        } catch (error) {
          rejected.push({ records: [record], reason: (error as Error).message });
          return undefined;
        }
      });
  // the bytes of each record's part, -1 for a refused record: a typed array, whose map is the same
  // for every batch (an array made by map is packed or holey by its length), keeps V8's code of the loop below
  const sizes = new Int32Array(records.length);
  // what the records not yet written need at most: a body is allocated no larger
  let unwritten = 0;
  for (let index = 0; index < records.length; index++) {
    const size = elements ? (elements[index]?.length ?? -1) : dataLength(records[index]!);
    sizes[index] = size;
    unwritten += Math.max(size, 0) + separator;
  }

  const bodies = new Bodies(mode);
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const size = sizes[index]!;
    if (size < 0) continue;
    unwritten -= size + separator;
    const alone = mode === 'concat-b64' ? base64Length(size) : framing + size;
    if (alone > maxBytes) {
      rejected.push({ records: [record], reason: `${alone} bytes collapsed, more than the ${maxBytes}-byte limit` });
      continue;
    }
    const { body, length, records: bodyRecords } = bodies;
    const fits = body !== undefined && length + (bodyRecords.length > 0 ? separator : 0) + size + (mode === 'JSON' ? JSON_CLOSE.length : 0) <= rawLimit;
    // a record that does not fit is written at the start of the next body, which replaces this one only if the record is taken
    const into = fits ? body : Buffer.allocUnsafe(Math.min(rawLimit, framing + size + unwritten));
    let start = fits ? length : mode === 'JSON' ? JSON_OPEN.copy(into, 0) : 0;
    if (fits && bodyRecords.length > 0 && separator > 0) into[start++] = COMMA_BYTE;
    const end = start + (elements ? elements[index]!.copy(into, start) : writeData(record, into, start));
    const reason = checked ? refusalOf(into.subarray(start, end), checks, mode) : undefined;
    if (reason) {
      rejected.push({ records: [record], reason });
      continue;
    }
    if (!fits) bodies.start(into);
    bodies.take(record, end);
  }
  bodies.end();
  return { entries: bodies.entries, rejected };
}

/**
 * The bodies a collapse writes: the one being written (its buffer, length and records), and those
 * ended. A class, not closures made at each call, and a plain loop over the records: V8's code of
 * the loop then stays optimised from one batch to the next, where a closure made at each call
 * deoptimised it ("wrong call target") at every batch.
 */
class Bodies {
  readonly entries: Entry[] = [];
  body: Buffer | undefined = undefined;
  length = 0;
  records: FanoutRecord[] = [];

  constructor(private readonly mode: CollapseMode) {}

  /** Ends the body being written and starts the next in `buffer`. */
  start(buffer: Buffer): void {
    this.end();
    this.body = buffer;
  }

  take(record: FanoutRecord, end: number): void {
    this.length = end;
    this.records.push(record);
  }

  end(): void {
    const { body, records, mode } = this;
    if (!body || records.length === 0) return;
    if (mode === 'JSON') this.length += JSON_CLOSE.copy(body, this.length);
    const written = body.subarray(0, this.length);
    const sent = mode === 'concat-b64' ? Buffer.from(written.toString('base64')) : written;
    this.entries.push({ records, body: sent, size: sent.length });
    this.body = undefined;
    this.records = [];
  }
}

function notTextReason(collapse: CollapseMode): string {
  return `its data is not UTF-8 text, which this service needs; use collapse concat-b64 (now ${collapse})`;
}

/** Message services take text only: refuse a body that is not valid UTF-8. */
export function requireText(body: Buffer, collapse: CollapseMode): Buffer {
  if (!isUtf8(body)) throw new Error(notTextReason(collapse));
  return body;
}

/** The encoder of a message service (SNS, SQS): collapsed per the target's mode into messages the destination takes, text only. */
export function encodeTextMessages(records: readonly FanoutRecord[], target: TargetOptions, limits: BatchLimits): Encoded {
  const collapse = target.collapse ?? 'JSON';
  return encodeCollapsed(records, collapse, limits.maxEntryBytes, { single: (record) => requireText(record.data, collapse), text: true });
}
