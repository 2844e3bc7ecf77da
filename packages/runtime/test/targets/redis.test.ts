import { startTcpFaultProxy, uniqueName } from '@fanout/testbed';
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

  it('gives up a connection that stops answering with the send, and connects again for the next one', async () => {
    const proxy = await startTcpFaultProxy({ upstream: server, seed: 3 });
    try {
      const table = await createTargetsTable();
      const sourceArn = kinesisSourceArn();
      await putTargets(table, [{ sourceArn, id: 'through-proxy', type: 'redis', destination: proxy.url, active: true }]);
      const fanout = testFanout(table, { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, requestTimeoutMs: 1_000 } });
      const [first, hung, after] = [uniqueName('first'), uniqueName('hung'), uniqueName('after')];
      expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: first, data: 'one' }]))).toEqual({ batchItemFailures: [] });

      // every command from now on is neither forwarded nor answered, on the connection it came on
      proxy.setFaults({ rates: { slow: 1 }, slow: { delayMs: 60_000, then: 'hang' } });
      const hungEvent = kinesisEvent(sourceArn, [{ partitionKey: hung, data: 'two' }]);
      expect(await fanout.process(hungEvent)).toEqual({ batchItemFailures: [{ itemIdentifier: hungEvent.Records[0]!.kinesis.sequenceNumber }] });
      expect(String(recordOutcomeLines(fanout, 'failed')[0]!.message)).toMatch(/no answer within 1000 ms/);

      proxy.setFaults({ rates: {} });
      expect(await fanout.process(kinesisEvent(sourceArn, [{ partitionKey: after, data: 'three' }]))).toEqual({ batchItemFailures: [] });
      expect(await reader.mget(first, after)).toEqual(['one', 'three']);
      expect(proxy.counters().connections).toBeGreaterThan(1);
    } finally {
      await proxy.stop();
    }
  });
});
