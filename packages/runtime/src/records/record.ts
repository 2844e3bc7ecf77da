import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';

export type RecordAction = 'PUT' | 'INSERT' | 'MODIFY' | 'REMOVE';

export type StreamEventRecord = KinesisStreamRecord | DynamoDBRecord;

/** One record as the targets see it: a Kinesis record, a KPL sub-record, or a DynamoDB change. */
export interface FanoutRecord {
  /** Position of the stream record in the event; the KPL sub-records of one record share it. */
  readonly eventIndex: number;
  readonly sourceArn: string;
  /** The partition key (Kinesis) or the key attribute values joined with `|` (DynamoDB). */
  readonly key: string;
  readonly sequenceNumber: string;
  /** Set on KPL sub-records only. */
  readonly subSequenceNumber?: number;
  readonly data: Buffer;
  /** The data in base64 where the event gave it so: what a target that sends base64 uses instead of encoding `data` again. */
  readonly base64Data?: string;
  readonly action: RecordAction;
  /** Seconds since the epoch, as Lambda gives it. */
  readonly approximateArrivalTimestamp?: number;
  /** DynamoDB key attributes as plain values. */
  readonly keys?: Readonly<Record<string, unknown>>;
  /** The record in the shape the target's consumers know: Lambda's event record (with this record's data). */
  readonly eventRecord: StreamEventRecord;
}

/** What the record decoders were asked for by one target. */
export interface RecordView {
  deaggregate: boolean;
  convertDDB: boolean;
}

export interface DecodedRecords {
  records: FanoutRecord[];
  /** Event indices of records that could not be decoded (logged and counted, never retried). */
  undecodable: Array<{ eventIndex: number; sequenceNumber: string; reason: string }>;
}

/**
 * Event records with their positions in the event: two arrays side by side, not an object per
 * record (which a batch of 10,000 would keep alive, and the collector copy, through the invocation).
 */
export interface PositionedRecords<EventRecord = StreamEventRecord> {
  readonly records: EventRecord[];
  /** The position in the event of the record at the same index: as long as `records`. */
  readonly eventIndices: number[];
}

export function noPositionedRecords<EventRecord>(): PositionedRecords<EventRecord> {
  return { records: [], eventIndices: [] };
}

export function addPositioned<EventRecord>(into: PositionedRecords<EventRecord>, record: EventRecord, eventIndex: number): void {
  into.records.push(record);
  into.eventIndices.push(eventIndex);
}

export function isKinesisRecord(record: StreamEventRecord): record is KinesisStreamRecord {
  return 'kinesis' in record && record.kinesis !== undefined;
}

/** The sequence number Lambda expects back in `batchItemFailures` for this event record. */
export function eventSequenceNumber(record: StreamEventRecord): string {
  return isKinesisRecord(record) ? record.kinesis.sequenceNumber : (record.dynamodb?.SequenceNumber ?? '');
}

/** The shard a Kinesis record came from (its eventID is `SHARD:SEQUENCE`); a DynamoDB stream's event does not say. */
export function eventShardId(record: StreamEventRecord): string | undefined {
  return isKinesisRecord(record) ? record.eventID.split(':')[0] : undefined;
}

/** When the record reached the stream, in milliseconds since the epoch (Lambda gives seconds); undefined when the event does not say. */
export function eventArrivalMs(record: StreamEventRecord): number | undefined {
  const seconds = isKinesisRecord(record) ? record.kinesis.approximateArrivalTimestamp : record.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The bytes of a record's data, known without decoding it (base64's length says it). */
export function dataLength(record: FanoutRecord): number {
  return record.base64Data === undefined ? record.data.length : Buffer.byteLength(record.base64Data, 'base64');
}

/**
 * Writes a record's data into `target` at `offset`, decoded from the event's base64 right there
 * when the event gave it so: no buffer of its own per record. Returns the bytes written.
 */
export function writeData(record: FanoutRecord, target: Buffer, offset: number): number {
  return record.base64Data === undefined ? record.data.copy(target, offset) : target.write(record.base64Data, offset, 'base64');
}
