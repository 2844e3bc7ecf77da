import kpl from 'aws-kinesis-agg';

interface KplAggregator {
  addUserRecord(record: { partitionKey: string; data: Buffer }): void;
  build(): { partitionKey: string; data: Buffer };
}

/** One KPL aggregated record, made by the aggregation library's own aggregator. */
export function kplAggregate(records: ReadonlyArray<{ partitionKey: string; data: Buffer | string }>): { partitionKey: string; data: Buffer } {
  const { RecordAggregator } = kpl as unknown as { RecordAggregator: new () => KplAggregator };
  const aggregator = new RecordAggregator();
  for (const record of records) aggregator.addUserRecord({ partitionKey: record.partitionKey, data: Buffer.from(record.data) });
  return aggregator.build();
}

/** The aggregate's bytes with its MD5 checksum (the last 16 bytes) broken: an aggregate no reader can trust. */
export function withCorruptedChecksum(aggregate: { data: Buffer }): Buffer {
  const corrupted = Buffer.from(aggregate.data);
  corrupted[corrupted.length - 1]! ^= 0xff;
  return corrupted;
}
