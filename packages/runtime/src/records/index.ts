import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { decodeDynamoDBRecords } from './dynamodb.js';
import { decodeKinesisRecords } from './kinesis.js';
import { isKinesisRecord, type DecodedRecords, type Indexed, type RecordView, type StreamEventRecord } from './record.js';

export * from './record.js';

export type IndexedEventRecord = Indexed<StreamEventRecord>;

/** Decodes one source's event records as a target asks for them (KPL opened, DynamoDB JSON converted). */
export function decodeRecords(eventRecords: readonly IndexedEventRecord[], view: RecordView): DecodedRecords {
  // one source's records are all of its kind: decoded in their order, with nothing to merge
  const kinesisRecords = eventRecords.filter((indexed): indexed is Indexed<KinesisStreamRecord> => isKinesisRecord(indexed.record));
  if (kinesisRecords.length === eventRecords.length) return decodeKinesisRecords(kinesisRecords, view.deaggregate);
  if (kinesisRecords.length === 0) return decodeDynamoDBRecords(eventRecords as ReadonlyArray<Indexed<DynamoDBRecord>>, view.convertDDB);
  const kinesis: Array<Indexed<KinesisStreamRecord>> = [];
  const dynamodb: Array<Indexed<DynamoDBRecord>> = [];
  for (const { eventIndex, record } of eventRecords) {
    if (isKinesisRecord(record)) kinesis.push({ eventIndex, record });
    else dynamodb.push({ eventIndex, record });
  }
  const fromKinesis = decodeKinesisRecords(kinesis, view.deaggregate);
  const fromDynamoDB = decodeDynamoDBRecords(dynamodb, view.convertDDB);
  const byIndex = (a: { eventIndex: number }, b: { eventIndex: number }) => a.eventIndex - b.eventIndex;
  return {
    // stable sort: sub-records stay in their order
    records: [...fromKinesis.records, ...fromDynamoDB.records].sort(byIndex),
    undecodable: [...fromKinesis.undecodable, ...fromDynamoDB.undecodable].sort(byIndex),
  };
}
