import { DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import {
  PROGRESS_TTL_ATTRIBUTE,
  failurePrefix,
  targetStatePartition,
  type FailureDocument,
  type TargetStateItem,
} from '../../src/config/contracts.js';
import type { BatchResponse, StreamEvent } from '../../src/fanout.js';
import { eventSequenceNumber, type StreamEventRecord } from '../../src/records/index.js';
import { aws, createKeyedTable, s3 } from './harness.js';

export { createFailureBucket } from './harness.js';

/** A progress table as deploy makes it: string keys pk and sk, a TTL attribute. */
export async function createProgressTable(name = uniqueName('fanoutProgress')): Promise<string> {
  await createKeyedTable(name, 'pk', 'sk');
  await new DynamoDBClient(awsClientConfig(aws)).send(
    new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: PROGRESS_TTL_ATTRIBUTE, Enabled: true } }),
  );
  return name;
}

/** How many failures a bucket holds for a target. */
export async function storedCount(bucketArn: string, sourceArn: string, targetId: string): Promise<number> {
  let count = 0;
  for await (const page of paginateListObjectsV2({ client: s3() }, { Bucket: bucketArn.split(':::')[1]!, Prefix: failurePrefix(sourceArn, targetId) })) count += page.KeyCount ?? 0;
  return count;
}

/** The failure documents a bucket holds for a target (the first `max`, 1,000 at most), in record order. */
export async function storedFailures(bucketArn: string, sourceArn: string, targetId: string, max = 1_000): Promise<FailureDocument[]> {
  const Bucket = bucketArn.split(':::')[1]!;
  const client = s3();
  const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket, Prefix: failurePrefix(sourceArn, targetId), MaxKeys: max }));
  return Promise.all(
    Contents.map(async ({ Key }) => JSON.parse(await (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()) as FailureDocument),
  );
}

export async function targetStates(progressTable: string, sourceArn: string): Promise<Record<string, TargetStateItem>> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(aws)));
  const { Items = [] } = await documents.send(
    new QueryCommand({ TableName: progressTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': targetStatePartition(sourceArn) } }),
  );
  return Object.fromEntries(Items.map((item) => [String(item.sk), item as TargetStateItem]));
}

/**
 * Invokes as Lambda does with ReportBatchItemFailures: again and again from the earliest record
 * reported, `rounds` invocations at most or until nothing is reported. Returns each response.
 */
export async function invokeWithRetries(
  process: (event: StreamEvent) => Promise<BatchResponse>,
  event: { Records: StreamEventRecord[] },
  rounds: number,
): Promise<BatchResponse[]> {
  const responses: BatchResponse[] = [];
  let records = event.Records;
  for (let round = 0; round < rounds && records.length > 0; round++) {
    const response = await process({ Records: records });
    responses.push(response);
    const failed = response.batchItemFailures[0]?.itemIdentifier;
    if (failed === undefined) break;
    records = records.slice(records.findIndex((record) => eventSequenceNumber(record) === failed));
  }
  return responses;
}
