import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException as TableNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException as FunctionNotFoundException,
  type EventSourceMappingConfiguration,
} from '@aws-sdk/client-lambda';
import { HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig } from '@fanout/testbed';
import { beforeAll } from 'vitest';
import { buildRuntime } from '../../../runtime/scripts/build.js';
import { RUNTIME_ZIP_VARIABLE } from '../../src/aws/runtime-zip.js';
import type { PolicyDocument } from '../../src/app/policy.js';
import { aws } from './console.js';

export const lambda = new LambdaClient(awsClientConfig(aws));
export const iam = new IAMClient(awsClientConfig(aws));
export const dynamodb = new DynamoDBClient(awsClientConfig(aws));
// moto answers on 127.0.0.1: the bucket goes in the path
export const s3 = new S3Client({ ...awsClientConfig(aws), forcePathStyle: true });

/**
 * Builds the runtime's zip into a temporary directory before the file's tests, and has deploy use
 * it: the tests do not depend on a build lying in the repository. Returns the zip's path.
 */
export function useFreshRuntimeZip(): () => string {
  let zipFile = '';
  beforeAll(async () => {
    ({ zipFile } = await buildRuntime(mkdtempSync(join(tmpdir(), 'fanout-runtime-'))));
    process.env[RUNTIME_ZIP_VARIABLE] = zipFile;
  });
  return () => zipFile;
}

async function orUndefined<Result>(request: Promise<Result>): Promise<Result | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof FunctionNotFoundException || error instanceof NoSuchEntityException || error instanceof TableNotFoundException) return undefined;
    throw error;
  }
}

export const functionConfiguration = (functionName: string) => orUndefined(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })));
export const role = async (roleName: string) => (await orUndefined(iam.send(new GetRoleCommand({ RoleName: roleName }))))?.Role;
export const table = async (tableName: string) => (await orUndefined(dynamodb.send(new DescribeTableCommand({ TableName: tableName }))))?.Table;

/** A table with a hash key `pk` only: not a targets table, so that deploy refuses it (a real failure). */
export async function createTableWithOtherKeys(tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

export async function bucketExists(bucket: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    (error: unknown) => {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw error;
    },
  );
}

/** The keys of the bucket's objects. */
export async function bucketKeys(bucket: string): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((object) => object.Key!);
}

/** Puts a failure in a bucket, as the function would (what is in it does not matter here). */
export async function putFailure(bucket: string, key: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: '{}' }));
}

/** The role's `fanout` policy, parsed. */
export async function rolePolicy(roleName: string): Promise<PolicyDocument | undefined> {
  const found = await orUndefined(iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'fanout' })));
  return found ? (JSON.parse(decodeURIComponent(found.PolicyDocument!)) as PolicyDocument) : undefined;
}

/** The resources of one statement of the role's policy (undefined when there is no such statement). */
export async function policyResources(roleName: string, sid: string): Promise<string[] | undefined> {
  return (await rolePolicy(roleName))?.Statement.find((statement) => statement.Sid === sid)?.Resource;
}

export async function mappingsOf(functionName: string): Promise<EventSourceMappingConfiguration[]> {
  return (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: functionName }))).EventSourceMappings ?? [];
}
