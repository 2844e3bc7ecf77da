import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { JsonShapeSerializer2 } from '@aws-sdk/core/protocols';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { TablesClient } from '../../src/aws/tables-client.js';
import { aws, createKeyedTable } from '../support/harness.js';

const item = {
  pk: { S: 'target' },
  sk: { S: 'shard-0' },
  count: { N: '12345678901234567890' },
  bytes: { B: Uint8Array.from([0, 1, 254, 255]) },
  sets: { M: { names: { SS: ['a', 'b'] }, numbers: { NS: ['1', '2.5'] }, blobs: { BS: [Uint8Array.from([7])] } } },
  list: { L: [{ BOOL: true }, { NULL: true }, { S: 'é "quoted" \\ \n' }] },
};

/** What the protocol of a client writes its requests with. */
function serializerOf(client: DynamoDBClient): unknown {
  return (client.config.protocol as unknown as { serializer: unknown }).serializer;
}

describe('the tables client', () => {
  it('writes and reads back every kind of attribute as the SDK’s default client does, byte for byte', async () => {
    const table = await createKeyedTable(uniqueName('tablesClient'), 'pk', 'sk');
    const tables = new TablesClient(awsClientConfig(aws));
    await tables.send(new PutItemCommand({ TableName: table, Item: item }));
    const key = { pk: item.pk, sk: item.sk };
    const readByTables = (await tables.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    const readByDefault = (await new DynamoDBClient(awsClientConfig(aws)).send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
    expect(readByTables).toEqual(item);
    expect(readByDefault).toEqual(item);
  });

  it('raises the service’s errors as their SDK classes (a failed condition, a missing table)', async () => {
    const table = await createKeyedTable(uniqueName('tablesClient'), 'pk', 'sk');
    const tables = new TablesClient(awsClientConfig(aws));
    await tables.send(new PutItemCommand({ TableName: table, Item: item }));
    await expect(tables.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))).rejects.toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    await expect(tables.send(new GetItemCommand({ TableName: uniqueName('missing'), Key: { pk: item.pk, sk: item.sk } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('does not write with the serializer the targets’ JSON protocols share (its DynamoDB subclass made their code polymorphic)', () => {
    expect(serializerOf(new DynamoDBClient({ region: 'us-east-1' }))).toBeInstanceOf(JsonShapeSerializer2);
    expect(serializerOf(new TablesClient({ region: 'us-east-1' }))).not.toBeInstanceOf(JsonShapeSerializer2);
  });
});
