import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName, type AwsEndpoints } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pLimit from 'p-limit';

/** Create calls at once: moto answers one at a time anyway; a few in flight keep it busy. */
const SETUP_CONCURRENCY = 8;
/** BatchWriteItem's limit. */
const ROWS_PER_BATCH = 25;

export interface ResourceCounts {
  streams: number;
  tables: number;
  queues: number;
}

export interface CreatedResources {
  streamArns: string[];
  tableStreamArns: string[];
  queueUrls: string[];
}

/** Kinesis streams, DynamoDB tables with a stream and SQS queues, created concurrently in moto's first account and region. */
export async function createResources(aws: AwsEndpoints, counts: ResourceCounts): Promise<CreatedResources> {
  const config = awsClientConfig(aws);
  // over HTTP/1.1: the SDK's Kinesis client would use HTTP/2, which moto does not speak
  const kinesis = new KinesisClient({ ...config, requestHandler: new NodeHttpHandler() });
  const dynamodb = new DynamoDBClient(config);
  const sqs = new SQSClient(config);
  const limit = pLimit(SETUP_CONCURRENCY);
  const run = uniqueName('bench');
  const times = <T>(total: number, create: (index: number) => Promise<T>) => Array.from({ length: total }, (_, index) => limit(() => create(index)));

  const streams = times(counts.streams, async (index) => {
    const name = `${run}-stream-${index}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    return `arn:aws:kinesis:${config.region}:${aws.accounts[0]}:stream/${name}`;
  });
  const tables = times(counts.tables, async (index) => {
    const { TableDescription } = await dynamodb.send(
      new CreateTableCommand({
        TableName: `${run}-table-${index}`,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    return TableDescription!.LatestStreamArn!;
  });
  const queues = times(counts.queues, async (index) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${run}-queue-${index}` }));
    return QueueUrl!;
  });
  const [streamArns, tableStreamArns, queueUrls] = await Promise.all([Promise.all(streams), Promise.all(tables), Promise.all(queues)]);
  for (const client of [kinesis, dynamodb, sqs]) client.destroy();
  return { streamArns, tableStreamArns, queueUrls };
}

/** One sqs target row (active) for each source given, written to the deployment's targets table. */
export async function writeTargetRows(aws: AwsEndpoints, tableName: string, sourceArns: readonly string[], queueUrl: string): Promise<void> {
  const dynamodb = new DynamoDBClient(awsClientConfig(aws));
  const limit = pLimit(SETUP_CONCURRENCY);
  const batches = Array.from({ length: Math.ceil(sourceArns.length / ROWS_PER_BATCH) }, (_, batch) => sourceArns.slice(batch * ROWS_PER_BATCH, (batch + 1) * ROWS_PER_BATCH));
  await Promise.all(
    batches.map((arns) =>
      limit(() =>
        dynamodb.send(
          new BatchWriteItemCommand({
            RequestItems: {
              [tableName]: arns.map((sourceArn) => ({
                PutRequest: {
                  Item: { sourceArn: { S: sourceArn }, id: { S: 'copy' }, type: { S: 'sqs' }, destination: { S: queueUrl }, active: { BOOL: true } },
                },
              })),
            },
          }),
        ),
      ),
    ),
  );
  dynamodb.destroy();
}
