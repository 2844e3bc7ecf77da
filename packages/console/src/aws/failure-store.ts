import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  NoSuchBucket,
  NotFound,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, NotFoundException as TopicNotFound, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { ENVIRONMENT, failurePrefix, type FailureStoreRef } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { Step } from './deployment.js';

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** S3 with the bucket in the path when requests go to an endpoint that is not AWS's (a moto answers on 127.0.0.1). */
function s3(context: AwsContext, region?: string): S3Client {
  return context.aws.client(S3Client, { region, forcePathStyle: context.aws.endpoint() !== undefined });
}

/** Whether the bucket exists; a bucket of another account (403) counts as there. */
async function bucketExists(context: AwsContext, bucket: string): Promise<boolean> {
  try {
    await s3(context).send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (error instanceof NotFound || error instanceof NoSuchBucket) return false;
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 403) return true;
    throw error;
  }
}

/** The function's default failure store: its bucket, created in the function's region when missing. */
export async function ensureFailureBucket(context: AwsContext, bucket: string, region: string): Promise<Step> {
  const step = (outcome: Step['outcome']): Step => ({ resource: 'failure-store', name: bucket, outcome, arn: bucketArn(bucket) });
  if (await bucketExists(context, bucket)) return step('unchanged');
  try {
    await s3(context, region).send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is S3's default location, and refuses to be named as one
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (error instanceof BucketAlreadyOwnedByYou) return step('unchanged');
    if (error instanceof BucketAlreadyExists) {
      throw new UsageError(`--failure-store: the bucket name ${bucket} is another account's; pass --failure-store with a queue, topic or bucket of yours`);
    }
    throw error;
  }
  return step('created');
}

/**
 * A store deploy was told to use (--failure-store, `given`), or the one the function has: used as
 * it is, once it is known to exist.
 */
export async function existingFailureStore(context: AwsContext, store: FailureStoreRef, given: boolean): Promise<Step> {
  const missing = (what: string) =>
    new UsageError(
      given
        ? `--failure-store: no ${what}; create it first, or leave --failure-store out for deploy to make a bucket`
        : `--failure-store: the function's ${ENVIRONMENT.failureStore} is ${what}, which does not exist; create it, or pass --failure-store with another store`,
    );
  if (store.kind === 's3') {
    if (!(await bucketExists(context, store.bucket))) throw missing(`bucket ${store.bucket}`);
  } else if (store.kind === 'sqs') {
    await context.aws
      .client(SQSClient, { region: store.region })
      .send(new GetQueueUrlCommand({ QueueName: store.name, QueueOwnerAWSAccountId: store.account }))
      .catch((error: unknown) => {
        if (error instanceof QueueDoesNotExist) throw missing(`queue ${store.arn}`);
        throw error;
      });
  } else {
    await context.aws
      .client(SNSClient, { region: store.region })
      .send(new GetTopicAttributesCommand({ TopicArn: store.arn }))
      .catch((error: unknown) => {
        if (error instanceof TopicNotFound) throw missing(`topic ${store.arn}`);
        throw error;
      });
  }
  return { resource: 'failure-store', name: store.kind === 's3' ? store.bucket : store.arn, outcome: 'unchanged', arn: store.arn };
}

/** How many objects (failures) the bucket holds (under `prefix`, when given); undefined when there is no such bucket. */
export async function bucketObjectCount(context: AwsContext, bucket: string, prefix?: string): Promise<number | undefined> {
  let count = 0;
  try {
    for await (const page of paginateListObjectsV2({ client: s3(context) }, { Bucket: bucket, Prefix: prefix })) count += page.KeyCount ?? page.Contents?.length ?? 0;
  } catch (error) {
    if (error instanceof NoSuchBucket) return undefined;
    throw error;
  }
  return count;
}

/** Deletes an empty bucket (S3 refuses to delete one that holds anything). */
export async function deleteBucket(context: AwsContext, bucket: string): Promise<Step> {
  const step = (outcome: Step['outcome']): Step => ({ resource: 'failure-store', name: bucket, outcome });
  try {
    await s3(context).send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (error instanceof NoSuchBucket) return step('absent');
    throw error;
  }
  return step('deleted');
}

/**
 * What a target's failure store holds: in a bucket, the target's own failures (its prefix); in a
 * queue, every message (a queue may take the failures of several targets), in flight included;
 * a topic keeps nothing to count. `count` undefined when the store does not exist, or for a topic.
 */
export interface StoredFailures {
  count: number | undefined;
  of: 'target' | 'store';
}

export async function storedFailures(context: AwsContext, store: FailureStoreRef, sourceArn: string, targetId: string): Promise<StoredFailures> {
  if (store.kind === 's3') return { count: await bucketObjectCount(context, store.bucket, failurePrefix(sourceArn, targetId)), of: 'target' };
  if (store.kind === 'sns') return { count: undefined, of: 'store' };
  const sqs = context.aws.client(SQSClient, { region: store.region });
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: store.name, QueueOwnerAWSAccountId: store.account }));
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return { count: Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0), of: 'store' };
  } catch (error) {
    if (error instanceof QueueDoesNotExist) return { count: undefined, of: 'store' };
    throw error;
  }
}
