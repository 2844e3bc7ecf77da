import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { decodeDynamoDBRecords } from './dynamodb.js';
import { decodeKinesisRecords } from './kinesis.js';
import { addPositioned, isKinesisRecord, noPositionedRecords, type DecodedRecords, type PositionedRecords, type RecordView } from './record.js';

export * from './record.js';

/** Decodes one source's event records as a target asks for them (KPL opened, DynamoDB JSON converted). */
export function decodeRecords(eventRecords: PositionedRecords, view: RecordView): DecodedRecords {
  const { records, eventIndices } = eventRecords;
  let kinesisCount = 0;
  for (const record of records) if (isKinesisRecord(record)) kinesisCount++;
  // one source's records are all of its kind: decoded in their order, with nothing to merge
  if (kinesisCount === records.length) return decodeKinesisRecords(eventRecords as PositionedRecords<KinesisStreamRecord>, view.deaggregate);
  if (kinesisCount === 0) return decodeDynamoDBRecords(eventRecords as PositionedRecords<DynamoDBRecord>, view.convertDDB);
  const kinesis = noPositionedRecords<KinesisStreamRecord>();
  const dynamodb = noPositionedRecords<DynamoDBRecord>();
  records.forEach((record, position) => {
    if (isKinesisRecord(record)) addPositioned(kinesis, record, eventIndices[position]!);
    else addPositioned(dynamodb, record, eventIndices[position]!);
  });
  const fromKinesis = decodeKinesisRecords(kinesis, view.deaggregate);
  const fromDynamoDB = decodeDynamoDBRecords(dynamodb, view.convertDDB);
  const byIndex = (a: { eventIndex: number }, b: { eventIndex: number }) => a.eventIndex - b.eventIndex;
  return {
    // stable sort: sub-records stay in their order
    records: [...fromKinesis.records, ...fromDynamoDB.records].sort(byIndex),
    undecodable: [...fromKinesis.undecodable, ...fromDynamoDB.undecodable].sort(byIndex),
  };
}
