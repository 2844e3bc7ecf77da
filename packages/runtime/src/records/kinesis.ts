import type { KinesisStreamRecord } from 'aws-lambda';
import { deaggregateSync, type UserRecord } from 'aws-kinesis-agg';
import type { DecodedRecords, FanoutRecord, PositionedRecords } from './record.js';

function openAggregate(record: KinesisStreamRecord): UserRecord[] {
  let result: UserRecord[] = [];
  deaggregateSync(record.kinesis, true, (error, userRecords) => {
    if (error) throw error;
    result = userRecords ?? [];
  });
  return result;
}

/**
 * A Kinesis record as it came in the event: its data is decoded from the event's base64 only when
 * a target reads it (a target that sends the event record, or base64, never does).
 */
class KinesisEventRecord implements FanoutRecord {
  private decoded: Buffer | undefined;

  // the event record's fields are read when wanted, not copied: most targets want few of them
  constructor(
    readonly eventIndex: number,
    readonly eventRecord: KinesisStreamRecord,
  ) {}

  // on the prototype, as the fields below are read from the event record: no slot of its own in each of the batch's records
  get action(): 'PUT' {
    return 'PUT';
  }

  get sourceArn(): string {
    return this.eventRecord.eventSourceARN;
  }

  get key(): string {
    return this.eventRecord.kinesis.partitionKey;
  }

  get sequenceNumber(): string {
    return this.eventRecord.kinesis.sequenceNumber;
  }

  get approximateArrivalTimestamp(): number {
    return this.eventRecord.kinesis.approximateArrivalTimestamp;
  }

  get data(): Buffer {
    this.decoded ??= Buffer.from(this.eventRecord.kinesis.data, 'base64');
    return this.decoded;
  }

  get base64Data(): string {
    return this.eventRecord.kinesis.data;
  }
}

/**
 * Kinesis event records → FanoutRecords. With `deaggregate`, KPL aggregated records are opened
 * into their sub-records (MD5 checksum verified); other records pass through unchanged.
 */
export function decodeKinesisRecords({ records, eventIndices }: PositionedRecords<KinesisStreamRecord>, deaggregate: boolean): DecodedRecords {
  if (!deaggregate) return { records: records.map((record, position) => new KinesisEventRecord(eventIndices[position]!, record)), undecodable: [] };
  const decoded: DecodedRecords = { records: [], undecodable: [] };
  records.forEach((record, position) => {
    const eventIndex = eventIndices[position]!;
    const { kinesis } = record;
    const base = {
      eventIndex,
      sourceArn: record.eventSourceARN,
      sequenceNumber: kinesis.sequenceNumber,
      action: 'PUT' as const,
      approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
    };
    try {
      const subRecords = openAggregate(record);
      const aggregated = subRecords.some((subRecord) => subRecord.subSequenceNumber !== undefined);
      for (const subRecord of subRecords) {
        const fanoutRecord: FanoutRecord = {
          ...base,
          key: subRecord.partitionKey,
          data: Buffer.from(subRecord.data, 'base64'),
          base64Data: subRecord.data,
          ...(aggregated
            ? {
                subSequenceNumber: subRecord.subSequenceNumber,
                eventRecord: { ...record, kinesis: { ...kinesis, partitionKey: subRecord.partitionKey, data: subRecord.data } },
              }
            : { eventRecord: record }),
        };
        decoded.records.push(fanoutRecord);
      }
    } catch (error) {
      decoded.undecodable.push({ eventIndex, sequenceNumber: kinesis.sequenceNumber, reason: (error as Error).message });
    }
  });
  return decoded;
}
