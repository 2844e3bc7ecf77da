import { uniqueName } from '@fanout/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { kinesisEvent } from '../support/events.js';
import { createTargetsTable, kinesisSourceArn, putTargets, testFanout } from '../support/harness.js';
import { keyValueTargetTests, testbedMemcached } from '../support/key-value-target.js';
import { recordOutcomeLines } from '../support/logs.js';

const store = testbedMemcached();
afterAll(() => store.close());

describe('memcached target', () => {
  keyValueTargetTests(store);

  it('refuses a key the text protocol cannot carry, and stores the others', async () => {
    const table = await createTargetsTable();
    const sourceArn = kinesisSourceArn();
    await putTargets(table, [{ sourceArn, id: 'cache', type: 'memcached', destination: store.destination, active: true }]);
    const good = uniqueName('good-key');
    const refusedKeys = ['with space', 'with\ttab', 'with\u007fdel', 'with\u0085next-line', 'k'.repeat(251)];
    const event = kinesisEvent(sourceArn, [...refusedKeys, good].map((partitionKey) => ({ partitionKey, data: partitionKey })));
    const fanout = testFanout(table);

    expect(await fanout.process(event)).toEqual({ batchItemFailures: [] });

    expect((await store.read(good))?.toString()).toBe(good);
    const rejected = recordOutcomeLines(fanout, 'rejected');
    expect(rejected).toHaveLength(refusedKeys.length);
    expect(new Set(rejected.map((line) => line.message))).toEqual(
      new Set(['record rejected: its key is not a memcached key (at most 250 bytes, no spaces or control characters)']),
    );
  });
});
