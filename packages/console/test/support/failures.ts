import { PutObjectCommand } from '@aws-sdk/client-s3';
import { FAILURE_DOCUMENT_VERSION, failureObjectKey, type FailureDocument } from '@fanout/runtime/config';
import { s3 } from './deployment.js';

/** A Kinesis record a target could not take, as the function keeps it in an S3 failure store. */
export function failureDocument(sourceArn: string, target: { id: string; type: string }, sequenceNumber: string, payload: unknown): FailureDocument {
  const data = Buffer.from(JSON.stringify(payload)).toString('base64');
  const arrival = Math.floor(Date.now() / 1000) - 600;
  const [, , , region] = sourceArn.split(':');
  return {
    fanoutFailure: FAILURE_DOCUMENT_VERSION,
    sourceArn,
    shardId: 'shardId-000000000000',
    target,
    record: {
      key: 'order',
      sequenceNumber,
      action: 'PUT',
      approximateArrivalTimestamp: arrival,
      data,
      eventRecord: {
        kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'order', sequenceNumber, data, approximateArrivalTimestamp: arrival },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: '',
        awsRegion: region,
        eventSourceARN: sourceArn,
      },
    },
    reason: 'HTTP 503 from the endpoint',
    attempts: 3,
    firstFailureAt: new Date(Date.now() - 600_000).toISOString(),
    lastFailureAt: new Date(Date.now() - 60_000).toISOString(),
  };
}

/** Puts the document where the function puts it: under the target's prefix, in record order. */
export async function putFailureDocument(bucket: string, document: FailureDocument): Promise<string> {
  const key = failureObjectKey(document);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(document), ContentType: 'application/json' }));
  return key;
}
