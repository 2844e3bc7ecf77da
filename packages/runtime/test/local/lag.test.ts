import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readingAfter, ShardLags } from '../../src/local/lag.js';

const MINUTE = 60_000;
const mapping = { id: 'mapping', sourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders' };
const record = (arrivalSeconds: number) => ({ kinesis: { approximateArrivalTimestamp: arrivalSeconds } }) as unknown as KinesisStreamRecord;

describe('readingAfter', () => {
  it('stands at the last record of a batch, or as far behind as an empty read says, else at the tip', () => {
    const now = 1_000_000;
    expect(readingAfter({ records: [record(100), record(400)], nextIterator: 'i' }, now)).toEqual({ caughtUp: false, arrivalMs: 400_000 });
    expect(readingAfter({ records: [], nextIterator: 'i', millisBehindLatest: 5_000 }, now)).toEqual({ caughtUp: false, arrivalMs: now - 5_000 });
    expect(readingAfter({ records: [], nextIterator: 'i', millisBehindLatest: 0 }, now)).toEqual({ caughtUp: true });
    expect(readingAfter({ records: [], nextIterator: 'i' }, now)).toEqual({ caughtUp: true });
  });
});

describe('ShardLags', () => {
  it('says each shard\'s lag now, keeps the largest of each minute for an hour, and forgets a mapping no longer read', () => {
    const lags = new ShardLags();
    const start = 100 * MINUTE;
    lags.record(mapping, 'shard-1', { caughtUp: false, arrivalMs: start - 2_000 }, start);
    expect(lags.snapshot(start + 3_000)).toEqual([{ mappingId: 'mapping', sourceArn: mapping.sourceArn, shardId: 'shard-1', millisBehind: 5_000, minutes: [[100, 5_000]] }]);
    lags.record(mapping, 'shard-1', { caughtUp: true }, start + 10_000);
    // the minute keeps its largest; the next one sees the shard at its tip
    expect(lags.snapshot(start + MINUTE)).toMatchObject([{ millisBehind: 0, minutes: [[100, 5_000], [101, 0]] }]);
    expect(lags.snapshot(start + 60 * MINUTE)[0]!.minutes).toEqual([[101, 0], [160, 0]]);
    lags.forget('mapping');
    expect(lags.snapshot()).toEqual([]);
  });
});
