import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DecodedRecords, PositionedRecords, RecordAction } from './record.js';

type Image = Record<string, LambdaAttributeValue>;

const ACTIONS: ReadonlySet<string> = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/** Plain JSON for what unmarshalling yields: sets become arrays, binary becomes base64. */
function plainJson(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** A DynamoDB number as a JSON number when one carries it exactly, else as its exact text. */
function exactNumber(text: string): number | string {
  const number = Number(text);
  return String(number) === text ? number : text;
}

function toPlain(image: Image): Record<string, unknown> {
  return unmarshall(image as Record<string, AttributeValue>, { wrapNumbers: exactNumber });
}

function keyPart(value: unknown): string {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : String(value);
}

/** The image a target receives: the new image, or the old one for REMOVE (the keys when the stream has no images). */
function imageOf(action: RecordAction, stream: StreamRecord): Image {
  const image = action === 'REMOVE' ? stream.OldImage : stream.NewImage;
  return image ?? stream.Keys ?? {};
}

function convertImages(stream: StreamRecord): StreamRecord {
  const converted: Record<string, unknown> = { ...stream };
  for (const field of ['Keys', 'NewImage', 'OldImage'] as const) {
    const image = stream[field];
    if (image) converted[field] = JSON.parse(JSON.stringify(toPlain(image), plainJson));
  }
  return converted as StreamRecord;
}

/**
 * DynamoDB Streams event records → FanoutRecords. Data is the image as JSON: DynamoDB JSON,
 * or plain JSON with `convertDDB`. The key is the key attributes' values, ordered by name, joined with `|`.
 */
export function decodeDynamoDBRecords({ records, eventIndices }: PositionedRecords<DynamoDBRecord>, convertDDB: boolean): DecodedRecords {
  const decoded: DecodedRecords = { records: [], undecodable: [] };
  records.forEach((record, position) => {
    const eventIndex = eventIndices[position]!;
    const stream = record.dynamodb;
    const sequenceNumber = stream?.SequenceNumber ?? '';
    try {
      if (!stream?.Keys || !record.eventName || !ACTIONS.has(record.eventName)) {
        throw new Error('not a DynamoDB Streams record (no dynamodb.Keys or no eventName INSERT/MODIFY/REMOVE)');
      }
      const action = record.eventName as RecordAction;
      const keys = toPlain(stream.Keys);
      const image = imageOf(action, stream);
      const data = convertDDB ? JSON.stringify(toPlain(image), plainJson) : JSON.stringify(image);
      decoded.records.push({
        eventIndex,
        sourceArn: record.eventSourceARN ?? '',
        key: Object.keys(keys)
          .sort()
          .map((name) => keyPart(keys[name]))
          .join('|'),
        sequenceNumber,
        data: Buffer.from(data),
        action,
        ...(stream.ApproximateCreationDateTime === undefined
          ? {}
          : { approximateArrivalTimestamp: stream.ApproximateCreationDateTime }),
        keys,
        eventRecord: convertDDB ? { ...record, dynamodb: convertImages(stream) } : record,
      });
    } catch (error) {
      decoded.undecodable.push({ eventIndex, sequenceNumber, reason: (error as Error).message });
    }
  });
  return decoded;
}
