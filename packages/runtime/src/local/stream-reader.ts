import type { StreamEventRecord } from '../records/index.js';

/** A shard of a stream, with the shards it was split or merged from (read to their end first). */
export interface StreamShard {
  id: string;
  parentIds: readonly string[];
}

/** Where reading a shard starts: the mapping's starting position, or after the last record delivered. */
export type ShardPosition =
  | { type: 'TRIM_HORIZON' | 'LATEST' }
  | { type: 'AT_TIMESTAMP'; timestamp: Date }
  | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string };

export interface ShardBatch {
  /** As Lambda would put them in its event. */
  records: StreamEventRecord[];
  /** Undefined once a closed shard has been read to its end. */
  nextIterator: string | undefined;
  /** How far the read is from the shard's tip, where the stream says (Kinesis' MillisBehindLatest): a read may find nothing yet be behind. */
  millisBehindLatest?: number | undefined;
}

/** Reads the shards of one Kinesis stream or DynamoDB stream, as Lambda's poller does. */
export interface StreamReader {
  shards(): Promise<StreamShard[]>;
  iterator(shardId: string, position: ShardPosition): Promise<string>;
  read(shardId: string, iterator: string, limit: number): Promise<ShardBatch>;
  /** Whether an error says the iterator is too old to use (Kinesis' last five minutes), so a new one is needed. */
  isExpired(error: unknown): boolean;
  /** Whether an error says the position is older than what the stream keeps (a checkpoint from long ago). */
  isTrimmed(error: unknown): boolean;
  /** Whether an error says the stream is gone (deleted, or a table's stream past its 24 hours). */
  isGone(error: unknown): boolean;
}
