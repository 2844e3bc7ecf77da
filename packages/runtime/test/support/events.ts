import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import type { AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { PositionedRecords } from '../../src/records/index.js';

let nextSequence = 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

function sequenceNumber(): string {
  nextSequence += 1_000n;
  return String(nextSequence);
}

/** A Lambda Kinesis event, as Lambda delivers it, with increasing sequence numbers. */
export function kinesisEvent(
  sourceArn: string,
  records: ReadonlyArray<{ partitionKey: string; data: Buffer | string }>,
): { Records: KinesisStreamRecord[] } {
  return {
    Records: records.map(({ partitionKey, data }) => {
      const sequence = sequenceNumber();
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey,
          sequenceNumber: sequence,
          data: Buffer.from(data).toString('base64'),
          approximateArrivalTimestamp: 1_763_700_000.123,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::123456789012:role/fanoutRole',
        awsRegion: sourceArn.split(':')[3]!,
        eventSourceARN: sourceArn,
      };
    }),
  };
}

export interface DynamoDBChange {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys: Record<string, unknown>;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

/** Lambda's JSON event carries binary attribute values in base64. */
function withBinaryInBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(withBinaryInBase64);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withBinaryInBase64(field)]));
  }
  return value;
}

function image(value: Record<string, unknown>): Record<string, LambdaAttributeValue> {
  return withBinaryInBase64(marshall(value)) as Record<string, LambdaAttributeValue>;
}

/** A Lambda DynamoDB Streams event (NEW_AND_OLD_IMAGES), as Lambda delivers it. */
export function dynamodbEvent(sourceArn: string, changes: readonly DynamoDBChange[]): { Records: DynamoDBRecord[] } {
  return {
    Records: changes.map((change) => ({
      eventID: sequenceNumber().slice(-12),
      eventName: change.eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: sourceArn.split(':')[3]!,
      dynamodb: {
        ApproximateCreationDateTime: 1_763_700_000,
        Keys: image(change.keys),
        ...(change.newImage ? { NewImage: image(change.newImage) } : {}),
        ...(change.oldImage ? { OldImage: image(change.oldImage) } : {}),
        SequenceNumber: sequenceNumber(),
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: sourceArn,
    })),
  };
}

/** An event's records with their positions in it, as the handler gives them to the decoders. */
export function positioned<EventRecord>(event: { Records: EventRecord[] }): PositionedRecords<EventRecord> {
  return { records: event.Records, eventIndices: event.Records.map((_, eventIndex) => eventIndex) };
}
