import { uniqueName } from '@fanout/testbed';
import { Client } from 'memjs';
import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';
import { createTargetsTable, dynamodbSourceArn, kinesisSourceArn, putTargets, testFanout } from './harness.js';
import { dynamodbEvent, kinesisEvent } from './events.js';
import { recordOutcomeLines } from './logs.js';
import { closedPort } from './network.js';

/** A key-value store target type (redis, memcached) and how a test reads what it holds. */
export interface KeyValueStore {
  type: 'redis' | 'memcached';
  /** A destination that reaches the test bed's server. */
  destination: string;
  /** The value stored under a key; undefined when the key is absent. */
  read(key: string): Promise<Buffer | undefined>;
}

/** A key-value store of the test bed, with the connection a test reads it through; close it when done. */
export interface TestbedStore extends KeyValueStore {
  close(): Promise<void>;
}

/** The test bed's Redis, database 0, by host:port. */
export function testbedRedis(): TestbedStore & { client: Redis } {
  const server = inject('testbed').redis;
  const client = new Redis(server.url);
  return {
    type: 'redis',
    destination: `${server.host}:${server.port}`,
    client,
    read: async (key) => (await client.getBuffer(key)) ?? undefined,
    close: async () => {
      await client.quit();
    },
  };
}

/** The test bed's memcached. */
export function testbedMemcached(): TestbedStore {
  const server = inject('testbed').memcached;
  const client = Client.create(server.servers);
  return {
    type: 'memcached',
    destination: server.servers,
    read: async (key) => (await client.get(key)).value ?? undefined,
    close: async () => client.close(),
  };
}

/** Every byte value, and text that is not ASCII: what must survive the trip unchanged. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
const TEXT = '{"name":"Zoë","city":"Kraków"}';

/** The tests every key-value store target must pass; call inside the type's `describe`. */
export function keyValueTargetTests(store: KeyValueStore): void {
  it('stores each Kinesis record byte for byte under its partition key, the later record of a key winning', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: store.type, type: store.type, destination: store.destination, active: true }]);
    const [binaryKey, textKey] = [uniqueName('binary'), uniqueName('text')];
    const event = kinesisEvent(sourceArn, [
      { partitionKey: textKey, data: 'first version' },
      { partitionKey: binaryKey, data: BINARY },
      { partitionKey: textKey, data: TEXT },
    ]);

    expect(await testFanout(table).process(event)).toEqual({ batchItemFailures: [] });

    expect(await store.read(binaryKey)).toEqual(BINARY);
    expect((await store.read(textKey))?.toString('utf8')).toBe(TEXT);
  });

  it('keeps a DynamoDB item under its key values in attribute-name order joined with |, updates it, and deletes it on REMOVE', async () => {
    const table = await createTargetsTable();
    const sourceArn = dynamodbSourceArn();
    await putTargets(table, [{ sourceArn, id: store.type, type: store.type, destination: store.destination, active: true, convertDDB: true }]);
    const fanout = testFanout(table);
    const [kept, removed] = [uniqueName('kept'), uniqueName('removed')];
    // "zone" sorts after "id" though it comes first here: the key is "ID|ZONE"
    const keys = (id: string) => ({ zone: 'eu', id });
    const item = (id: string, version: number) => ({ ...keys(id), version, tags: ['a', 'b'] });
    const storedItem = async (id: string): Promise<unknown> => JSON.parse((await store.read(`${id}|eu`))?.toString('utf8') ?? 'null');

    expect(
      await fanout.process(
        dynamodbEvent(sourceArn, [
          { eventName: 'INSERT', keys: keys(kept), newImage: item(kept, 1) },
          { eventName: 'INSERT', keys: keys(removed), newImage: item(removed, 1) },
        ]),
      ),
    ).toEqual({ batchItemFailures: [] });
    expect(await storedItem(kept)).toEqual(item(kept, 1));
    expect(await store.read(`${removed}|eu`)).toBeDefined();

    const modifyAndRemove = dynamodbEvent(sourceArn, [
      { eventName: 'MODIFY', keys: keys(kept), oldImage: item(kept, 1), newImage: item(kept, 2) },
      { eventName: 'REMOVE', keys: keys(removed), oldImage: item(removed, 1) },
    ]);
    expect(await fanout.process(modifyAndRemove)).toEqual({ batchItemFailures: [] });
    expect(await storedItem(kept)).toEqual(item(kept, 2));
    expect(await store.read(`${removed}|eu`)).toBeUndefined();

    // Lambda retrying the batch: removing a key that is gone is neither a failure nor a rejection
    expect(await fanout.process(modifyAndRemove)).toEqual({ batchItemFailures: [] });
    expect([...recordOutcomeLines(fanout, 'failed'), ...recordOutcomeLines(fanout, 'rejected')]).toEqual([]);
  });

  it('reports the earliest record for retry, without waiting for a connection, when the server is down', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'down', type: store.type, destination: `127.0.0.1:${await closedPort()}`, active: true }]);
    const event = kinesisEvent(sourceArn, [
      { partitionKey: uniqueName('one'), data: 'one' },
      { partitionKey: uniqueName('two'), data: 'two' },
    ]);
    const fanout = testFanout(table);
    // a client that waited for the server to come back would take all of it
    const timeLeftMs = 60_000;

    const started = Date.now();
    const response = await fanout.process(event, timeLeftMs);

    expect(Date.now() - started).toBeLessThan(timeLeftMs);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }] });
    const failures = recordOutcomeLines(fanout, 'failed');
    expect(failures).toHaveLength(2);
    expect(String(failures[0]!.message)).toContain('ECONNREFUSED');
  });
}
