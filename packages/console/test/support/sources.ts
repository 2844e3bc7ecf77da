import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { uniqueName } from '@fanout/testbed';
import { dynamodb } from './deployment.js';

/** A DynamoDB table, with a stream of new and old images unless told otherwise; its name and its stream's ARN ('' without one). */
export async function createSourceTable(withStream = true): Promise<{ name: string; streamArn: string }> {
  const name = uniqueName('users');
  const { TableDescription } = await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(withStream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
    }),
  );
  return { name, streamArn: TableDescription!.LatestStreamArn ?? '' };
}
