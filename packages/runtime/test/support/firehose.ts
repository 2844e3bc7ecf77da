import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, motoRequests, uniqueName, type AwsCredentials } from '@fanout/testbed';
import { aws } from './harness.js';

export interface DeliveryStreamOptions {
  region?: string;
  credentials?: AwsCredentials;
  /** A chosen name, e.g. the name of a delivery stream elsewhere. */
  name?: string;
}

export interface S3DeliveryStream {
  name: string;
  arn: string;
  /** Where the delivery stream writes what it is given. */
  bucket: string;
}

/** Buckets are in the home region, whatever the delivery stream's: moto's Firehose writes to S3 wherever the bucket is. */
function s3Client(credentials: AwsCredentials | undefined): S3Client {
  return new S3Client({ ...awsClientConfig(aws, { credentials }), forcePathStyle: true });
}

/** A delivery stream into a new bucket of the same account (Extended S3 destination, no prefix, no compression). */
export async function createS3DeliveryStream(options: DeliveryStreamOptions = {}): Promise<S3DeliveryStream> {
  const name = options.name ?? uniqueName('delivery');
  const bucket = uniqueName('fanout-delivered');
  await s3Client(options.credentials).send(new CreateBucketCommand({ Bucket: bucket }));
  const { Role } = await new IAMClient(awsClientConfig(aws, options)).send(
    new CreateRoleCommand({
      RoleName: uniqueName('firehose-delivery'),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'firehose.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const { DeliveryStreamARN } = await new FirehoseClient(awsClientConfig(aws, options)).send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${bucket}`, RoleARN: Role!.Arn! },
    }),
  );
  return { name, arn: DeliveryStreamARN!, bucket };
}

/** The content of every object in the bucket. moto writes one object per PutRecordBatch call: its records' data, joined. */
export async function objectsIn(bucket: string, options: DeliveryStreamOptions = {}): Promise<Buffer[]> {
  const s3 = s3Client(options.credentials);
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Promise.all(
    (Contents ?? []).map(async ({ Key }) => {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      return Buffer.from(await Body!.transformToByteArray());
    }),
  );
}

/** The PutRecordBatch calls moto received for the delivery stream, oldest first, each as the data of its records. */
export function putRecordBatchCalls(deliveryStreamName: string): Buffer[][] {
  return motoRequests(aws, /^\/$/)
    .filter((request) => request.headers['X-Amz-Target'] === 'Firehose_20150804.PutRecordBatch')
    .map((request) => JSON.parse(request.body.toString('utf8')) as { DeliveryStreamName: string; Records: Array<{ Data: string }> })
    .filter((call) => call.DeliveryStreamName === deliveryStreamName)
    .map((call) => call.Records.map((record) => Buffer.from(record.Data, 'base64')));
}

export interface DeliveredObject {
  /** The object's content, as S3 holds it. */
  object: Buffer;
  /** The records it is made of: those of the PutRecordBatch call that wrote it. */
  records: Buffer[];
}

/**
 * The bucket's objects in the order they were written. S3 lists objects by key, and moto's keys
 * carry the time to the second only, so the order comes from the PutRecordBatch calls: moto
 * writes one object per call, its records' data joined. Throws when an object and the calls do not match.
 */
export async function objectsInCallOrder(stream: S3DeliveryStream, options: DeliveryStreamOptions = {}): Promise<DeliveredObject[]> {
  const unmatched = await objectsIn(stream.bucket, options);
  const delivered = putRecordBatchCalls(stream.name).map((records) => {
    const index = unmatched.findIndex((object) => object.equals(Buffer.concat(records)));
    if (index < 0) throw new Error(`no object in ${stream.bucket} holds the ${records.length} records of a PutRecordBatch call`);
    return { object: unmatched.splice(index, 1)[0]!, records };
  });
  if (unmatched.length > 0) throw new Error(`${unmatched.length} object(s) in ${stream.bucket} that no PutRecordBatch call wrote`);
  return delivered;
}
