import { describe, expect, it } from 'vitest';
import { deliverToTarget, outcomeOf } from '../../src/delivery/deliver.js';
import { encodeEach } from '../../src/delivery/encode.js';
import { packBatches } from '../../src/delivery/pack.js';
import type { TargetConfig } from '../../src/config/schema.js';
import { TARGET_TYPES } from '../../src/targets/registry.js';
import type { TargetType } from '../../src/targets/types.js';
import { ScriptedSender, TestClock, entry, record } from '../support/fake-sender.js';

/** A target type of the tests' own: three entries per batch, ten bytes per entry at most. */
const smallBatches: TargetType = {
  name: 'http',
  destinationFormat: 'anything',
  parseDestination: (raw) => raw,
  limits: { maxEntries: 3, maxBatchBytes: 1_000, maxEntryBytes: 10 },
  collapsible: false,
  aws: false,
  encode: (records) => encodeEach(records, (r) => r.data),
  loadSender: () => Promise.reject(new Error('not used')),
};

const target = (parallel: boolean): TargetConfig => ({
  sourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s',
  id: 'test',
  type: 'http',
  destination: 'anything',
  active: true,
  parallel,
  convertDDB: false,
  deaggregate: false,
});

const options = { policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, clock: new TestClock() };
const records = Array.from({ length: 8 }, (_, index) => record(index, `r${index}`));

describe('packBatches', () => {
  it('cuts batches at the entry count and at the byte limit, keeping order', () => {
    const entries = ['aaaa', 'bbbb', 'cc', 'dddddd', 'e'].map((data, index) => entry(record(index, data)));
    const batches = packBatches(entries, { maxEntries: 2, maxBatchBytes: 8, maxEntryBytes: 8 });
    expect(batches.map((batch) => batch.map((e) => e.body.toString()))).toEqual([['aaaa', 'bbbb'], ['cc', 'dddddd'], ['e']]);
  });
});

describe('deliverToTarget', () => {
  it('with parallel false, sends batches in order, re-sends from the failed entry on, and stops at the first batch that fails', async () => {
    const sender = new ScriptedSender((body) => (body === 'r4' ? { status: 'retryable', reason: 'down' } : { status: 'delivered' }));
    const delivery = await deliverToTarget(target(false), smallBatches, sender, records, options);
    expect(sender.calls).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r4', 'r5']]);
    const status = (index: number) => outcomeOf(delivery, records[index]!).status;
    expect(records.map((_, index) => status(index))).toEqual([
      'delivered', 'delivered', 'delivered', 'delivered', 'failed', 'failed', 'failed', 'failed',
    ]);
    expect(outcomeOf(delivery, records[6]!)).toEqual({ status: 'failed', reason: 'not sent: an earlier batch failed (parallel is false)' });
  });

  it('with parallel true, sends every batch even when one fails', async () => {
    const sender = new ScriptedSender((body) => (body === 'r4' ? { status: 'retryable', reason: 'down' } : { status: 'delivered' }));
    const delivery = await deliverToTarget(target(true), smallBatches, sender, records, options);
    expect(sender.calls.flat().sort()).toEqual([...records.map((r) => r.data.toString()), 'r4'].sort());
    expect([...delivery.failures.values()].filter((outcome) => outcome.status === 'failed')).toHaveLength(1);
  });

  it('rejects an entry larger than the API takes, without sending it', async () => {
    const sender = new ScriptedSender();
    const big = record(0, 'more than ten bytes');
    const delivery = await deliverToTarget(target(true), smallBatches, sender, [big, record(1, 'ok')], options);
    expect(outcomeOf(delivery, big)).toEqual({ status: 'rejected', reason: '19 bytes, more than the 10-byte limit of http' });
    expect(sender.calls).toEqual([['ok']]);
  });

  it('encodes, rejects and packs at the limits the sender says its destination has, not the type\'s', async () => {
    const sender = Object.assign(new ScriptedSender(), { limits: async () => ({ maxEntries: 1, maxBatchBytes: 1_000, maxEntryBytes: 30 }) });
    const json = ['{"a":1}', '{"b":2}', '{"c":3}', `{"d":"${'x'.repeat(20)}"}`].map((data, index) => record(index, data));
    const delivery = await deliverToTarget(target(false), TARGET_TYPES.sqs, sender, json, options);
    // collapsed into messages of at most 30 bytes, one a call
    expect(sender.calls).toEqual([['{"Records":[{"a":1},{"b":2}]}'], ['{"Records":[{"c":3}]}']]);
    expect(outcomeOf(delivery, json[3]!)).toEqual({ status: 'rejected', reason: '42 bytes collapsed, more than the 30-byte limit' });
  });
});
