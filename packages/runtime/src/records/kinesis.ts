import type { KinesisStreamRecord } from 'aws-lambda';
import { deaggregateSync, type UserRecord } from 'aws-kinesis-agg';
import type { DecodedRecords, FanoutRecord, Indexed } from './record.js';

function openAggregate(record: KinesisStreamRecord): UserRecord[] {
  let result: UserRecord[] = [];
  deaggregateSync(record.kinesis, true, (error, userRecords) => {
    if (error) throw error;
    result = userRecords ?? [];
  });
  return result;
}

/**
 * Kinesis event records → FanoutRecords. With `deaggregate`, KPL aggregated records are opened
 * into their sub-records (MD5 checksum verified); other records pass through unchanged.
 */
export function decodeKinesisRecords(eventRecords: readonly Indexed<KinesisStreamRecord>[], deaggregate: boolean): DecodedRecords {
  const decoded: DecodedRecords = { records: [], undecodable: [] };
  for (const { eventIndex, record } of eventRecords) {
    const { kinesis } = record;
    const base = {
      eventIndex,
      sourceArn: record.eventSourceARN,
      sequenceNumber: kinesis.sequenceNumber,
      action: 'PUT' as const,
      approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
    };
    try {
      if (!deaggregate) {
        decoded.records.push({ ...base, key: kinesis.partitionKey, data: Buffer.from(kinesis.data, 'base64'), eventRecord: record });
        continue;
      }
      const subRecords = openAggregate(record);
      const aggregated = subRecords.some((subRecord) => subRecord.subSequenceNumber !== undefined);
      for (const subRecord of subRecords) {
        const fanoutRecord: FanoutRecord = {
          ...base,
          key: subRecord.partitionKey,
          data: Buffer.from(subRecord.data, 'base64'),
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
  }
  return decoded;
}
