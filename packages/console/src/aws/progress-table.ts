import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery, paginateScan } from '@aws-sdk/lib-dynamodb';
import { PROGRESS_TABLE_KEY, hookHistoryKey, partitionQuery, progressTableNameFor, targetStatePartition, type TargetStateItem } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { fanoutVariables, functionConfiguration } from './deployment.js';
import type { Deployment } from './names.js';

/**
 * The progress table a deployment's function writes: --progress-table when given, else the
 * function's PROGRESS_TABLE (its configuration, undefined when there is no function), else
 * `<function>Progress`, what deploy creates.
 */
export function progressTableNameOf(deployment: Deployment, configuration: FunctionConfiguration | undefined): string {
  return deployment.progressTableName ?? fanoutVariables(configuration).progressTable ?? progressTableNameFor(deployment.functionName);
}

/** The same, the function's configuration read first. */
export async function progressTableOf(context: AwsContext, deployment: Deployment): Promise<string> {
  return progressTableNameOf(deployment, deployment.progressTableName ? undefined : await functionConfiguration(context, deployment.functionName));
}

function documents(context: AwsContext): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(context.aws.client(DynamoDBClient));
}

/** undefined when the table does not exist (a deployment of before, not deployed again yet). */
async function unlessMissing<Result>(read: () => Promise<Result>): Promise<Result | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The state items of every target of a source, by target id: one Query (a page per 1 MB); undefined without a progress table. */
export function readTargetStates(context: AwsContext, tableName: string, sourceArn: string): Promise<Map<string, TargetStateItem> | undefined> {
  return unlessMissing(async () => {
    const states = new Map<string, TargetStateItem>();
    const pages = paginateQuery({ client: documents(context) }, { TableName: tableName, ...partitionQuery(PROGRESS_TABLE_KEY, targetStatePartition(sourceArn)) });
    for await (const page of pages) for (const item of page.Items ?? []) states.set(String(item.sk), item as TargetStateItem);
    return states;
  });
}

/**
 * How many stuck targets each source has, for the sources screen: one Scan of the table, which
 * holds a state item per target that ever failed and the progress of batches being retried
 * (expiring); only the stuck states come back.
 */
export async function stuckTargetCounts(context: AwsContext, tableName: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const prefix = targetStatePartition('');
  await unlessMissing(async () => {
    const pages = paginateScan(
      { client: documents(context) },
      {
        TableName: tableName,
        FilterExpression: 'begins_with(#partition, :prefix) AND #state = :stuck',
        ExpressionAttributeNames: { '#partition': PROGRESS_TABLE_KEY.partition, '#state': 'state' },
        ExpressionAttributeValues: { ':prefix': prefix, ':stuck': 'stuck' },
        ProjectionExpression: '#partition',
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sourceArn = String(item[PROGRESS_TABLE_KEY.partition]).slice(prefix.length);
        counts.set(sourceArn, (counts.get(sourceArn) ?? 0) + 1);
      }
    }
  });
  return counts;
}

/** Notes in the progress table that the source was unhooked now (nothing to note in a deployment without one). */
export async function recordUnhook(context: AwsContext, tableName: string, sourceArn: string, at = new Date()): Promise<void> {
  await unlessMissing(() => documents(context).send(new PutCommand({ TableName: tableName, Item: { ...hookHistoryKey(sourceArn), unhookedAt: at.toISOString() } })));
}

/** When the source was last unhooked (ISO), as the progress table notes it; undefined when it never was, as far as it knows. */
export async function lastUnhookedAt(context: AwsContext, tableName: string, sourceArn: string): Promise<string | undefined> {
  const found = await unlessMissing(() => documents(context).send(new GetCommand({ TableName: tableName, Key: hookHistoryKey(sourceArn) })));
  const unhookedAt: unknown = found?.Item?.unhookedAt;
  return typeof unhookedAt === 'string' ? unhookedAt : undefined;
}
