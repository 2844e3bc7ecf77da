import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { targetStateKey, type TargetStateItem } from '@fanout/runtime/config';
import { awsClientConfig } from '@fanout/testbed';
import { aws } from './console.js';

const documents = () => DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(aws)));

/** Every row of a targets table, sorted by source and id: what a user would see in the console of DynamoDB. */
export async function tableRows(table: string): Promise<Array<Record<string, unknown>>> {
  const { Items } = await documents().send(new ScanCommand({ TableName: table }));
  return (Items ?? []).sort((a, b) => `${a.sourceArn}/${a.id}`.localeCompare(`${b.sourceArn}/${b.id}`));
}

/** Writes a row as given, valid or not. */
export async function putRow(table: string, row: Record<string, unknown>): Promise<void> {
  await documents().send(new PutCommand({ TableName: table, Item: row }));
}

/** A target's state item in the progress table, written as the function writes it. */
export async function putTargetState(progressTable: string, sourceArn: string, targetId: string, state: Omit<TargetStateItem, 'pk' | 'sk' | 'updatedAt'>): Promise<void> {
  const item: TargetStateItem = { ...targetStateKey(sourceArn, targetId), ...state, updatedAt: new Date().toISOString() };
  await documents().send(new PutCommand({ TableName: progressTable, Item: item }));
}

/** An ISO time this many minutes ago. */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
