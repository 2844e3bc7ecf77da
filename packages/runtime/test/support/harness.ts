import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, credentialsForAccount, uniqueName, type AwsCredentials } from '@fanout/testbed';
import { beforeAll, inject } from 'vitest';
import { Fanout, type BatchResponse, type FanoutSettings, type StreamEvent } from '../../src/fanout.js';
import { createLogger } from '../../src/log/logger.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { TargetRowInput } from '../../src/config/schema.js';

export const aws = inject('testbed').aws;
export const [PRIMARY_ACCOUNT, SECONDARY_ACCOUNT] = aws.accounts;
export const [HOME_REGION, OTHER_REGION] = aws.regions;

/** A table of two string keys, on demand, as `deploy` makes its tables. */
export async function createKeyedTable(name: string, hashKey: string, rangeKey: string): Promise<string> {
  await new DynamoDBClient(awsClientConfig(aws)).send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: hashKey, AttributeType: 'S' },
        { AttributeName: rangeKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: hashKey, KeyType: 'HASH' },
        { AttributeName: rangeKey, KeyType: 'RANGE' },
      ],
    }),
  );
  return name;
}

/** A fresh targets table (hash key sourceArn, range key id), as `deploy` makes it. */
export function createTargetsTable(name = uniqueName('fanoutTargets')): Promise<string> {
  return createKeyedTable(name, 'sourceArn', 'id');
}

/** Writes rows as they are given: no validation, so that broken rows can be stored too. */
export async function putRows(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(aws)));
  for (let start = 0; start < rows.length; start += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: { [table]: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

export async function putTargets(table: string, rows: readonly TargetRowInput[]): Promise<void> {
  await putRows(table, rows);
}

export function kinesisSourceArn(name = uniqueName('stream'), region = HOME_REGION, account = PRIMARY_ACCOUNT): string {
  return `arn:aws:kinesis:${region}:${account}:stream/${name}`;
}

export function dynamodbSourceArn(table = uniqueName('table'), region = HOME_REGION, account = PRIMARY_ACCOUNT): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${table}/stream/2026-11-21T00:00:00.000`;
}

/** A role in the second account that targets can assume (moto does not check its trust policy). */
export async function secondAccountRole(): Promise<{ role: string; credentials: AwsCredentials }> {
  const credentials = await credentialsForAccount(aws, SECONDARY_ACCOUNT);
  const { Role } = await new IAMClient(awsClientConfig(aws, { credentials })).send(
    new CreateRoleCommand({ RoleName: uniqueName('fanout-target'), AssumeRolePolicyDocument: '{}' }),
  );
  return { role: Role!.Arn!, credentials };
}

export const s3 = () => new S3Client({ ...awsClientConfig(aws), forcePathStyle: true });

/** An S3 bucket for failures; its ARN, as FAILURE_STORE or onFailure name it. */
export async function createFailureBucket(name = uniqueName('failures').toLowerCase()): Promise<string> {
  await s3().send(new CreateBucketCommand({ Bucket: name }));
  return `arn:aws:s3:::${name}`;
}

// a function deployed has a failure store: each test file's Fanouts share one bucket, unless a test says otherwise
let filesFailureBucket: string | undefined;
beforeAll(async () => {
  filesFailureBucket = await createFailureBucket();
});

export interface TestFanout {
  fanout: Fanout;
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  process(event: StreamEvent, timeLeftMs?: number): Promise<BatchResponse>;
}

/** A Fanout on the given table, logging into `logs`, with fast retries and the test file's failure bucket. */
export function testFanout(tableName: string, overrides: Partial<FanoutSettings> = {}, clients?: AwsClients): TestFanout {
  const logs: Array<Record<string, unknown>> = [];
  const fanout = new Fanout({
    tableName,
    functionName: 'fanout-test',
    region: HOME_REGION,
    configTtlMs: 60_000,
    metricsNamespace: 'Custom/FanOut',
    metricsOutput: 'api',
    targetConcurrency: 8,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    reserveMs: 0,
    log: createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
    failureStore: filesFailureBucket,
    ...overrides,
  }, clients);
  return {
    fanout,
    logs,
    // an invocation's time, generous unless a test is about running out of it
    process: (event, timeLeftMs = 120_000) => {
      const deadline = Date.now() + timeLeftMs;
      return fanout.process(event, () => deadline - Date.now());
    },
  };
}
