import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, type AwsEndpoints } from '@fanout/testbed';
import { PROGRESS_TABLE_KEY, TARGETS_TABLE_KEY, stringKeySchema } from '../src/config/contracts.js';
import type { TargetRowInput } from '../src/config/schema.js';
import type { BenchDestinations } from './cases.js';

export const BENCH_FUNCTION = 'fanoutBench';
export const TARGETS_TABLE = `${BENCH_FUNCTION}Targets`;
/** In moto too, but its reads are the fake's: see startFakeAws's emptyTables. */
export const PROGRESS_TABLE = `${BENCH_FUNCTION}Progress`;

async function createTable(dynamodb: DynamoDBClient, name: string, keys: { partition: string; sort: string }): Promise<void> {
  await dynamodb.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', ...stringKeySchema(keys) }));
}

/**
 * In moto: the function's targets table with every case's row, its progress table (so that the
 * healthy state's one read per shard is counted), and the kinesis target's stream (whose limits
 * its sender reads). Returns the function's environment, as deploy would set it.
 */
export async function prepareFunction(aws: AwsEndpoints, fakeEndpoint: string, rows: readonly TargetRowInput[], to: BenchDestinations): Promise<NodeJS.ProcessEnv> {
  const config = awsClientConfig(aws);
  const dynamodb = new DynamoDBClient(config);
  await createTable(dynamodb, TARGETS_TABLE, TARGETS_TABLE_KEY);
  await createTable(dynamodb, PROGRESS_TABLE, PROGRESS_TABLE_KEY);
  const documents = DynamoDBDocumentClient.from(dynamodb);
  for (let start = 0; start < rows.length; start += 25) {
    await documents.send(new BatchWriteCommand({ RequestItems: { [TARGETS_TABLE]: rows.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  dynamodb.destroy();
  // over HTTP/1.1: the Kinesis client's HTTP/2 is more than moto speaks
  const kinesis = new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
  await kinesis.send(new CreateStreamCommand({ StreamName: to.streamName, ShardCount: 1 }));
  kinesis.destroy();
  return {
    PATH: process.env.PATH,
    AWS_LAMBDA_FUNCTION_NAME: BENCH_FUNCTION,
    // what Lambda sets: the function publishes its metrics as log lines there
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: fakeEndpoint,
    TARGETS_TABLE,
    PROGRESS_TABLE,
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(['BENCH_TRACE_MEMORY', 'BENCH_TRACE_CPU', 'BENCH_PROFILE_DIR', 'BENCH_HEAP_PROFILE', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_'].filter((name) => process.env[name]).map((name) => [name, process.env[name]])),
  };
}
