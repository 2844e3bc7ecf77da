import { uniqueName } from '@fanout/testbed';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTargetsTable, kinesisSourceArn, putTargets, testFanout } from '../support/harness.js';
import { kinesisEvent } from '../support/events.js';
import { keyValueTargetTests, testbedRedis } from '../support/key-value-target.js';
import { recordOutcomeLines } from '../support/logs.js';

const server = inject('testbed').redis;
const store = testbedRedis();
const reader = store.client;
afterAll(() => store.close());

describe('redis target', () => {
  keyValueTargetTests(store);

  it('writes into the database a redis:// URL names', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'db-3', type: 'redis', destination: `${server.url}/3`, active: true }]);
    const key = uniqueName('in-db-3');

    expect(await testFanout(table).process(kinesisEvent(sourceArn, [{ partitionKey: key, data: 'value' }]))).toEqual({ batchItemFailures: [] });

    const database3 = new Redis(`${server.url}/3`);
    try {
      expect(await database3.get(key)).toBe('value');
    } finally {
      await database3.quit();
    }
    expect(await reader.get(key)).toBeNull();
  });

  it('retries a command Redis refuses and reports its record, while the other commands of the pipeline land', async () => {
    const [user, allowed, forbidden] = [uniqueName('fanout'), uniqueName('allowed'), uniqueName('forbidden')];
    await reader.acl('SETUSER', user, 'on', '>secret', `~${allowed}`, '+@all');
    try {
      const table = await createTargetsTable();
      const sourceArn = kinesisSourceArn();
      const destination = `redis://${user}:secret@${server.host}:${server.port}`;
      await putTargets(table, [{ sourceArn, id: 'limited-user', type: 'redis', destination, active: true }]);
      const event = kinesisEvent(sourceArn, [
        { partitionKey: allowed, data: 'stored' },
        { partitionKey: forbidden, data: 'refused' },
      ]);
      const fanout = testFanout(table);

      expect(await fanout.process(event)).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]!.kinesis.sequenceNumber }] });

      expect(await reader.get(allowed)).toBe('stored');
      expect(await reader.get(forbidden)).toBeNull();
      expect(recordOutcomeLines(fanout, 'failed').map((line) => String(line.message))).toEqual([
        expect.stringMatching(/NOPERM.*gave up after 4 attempts/),
      ]);
    } finally {
      await reader.acl('DELUSER', user);
    }
  });
});
