import {
  ExpiredIteratorException,
  ResourceNotFoundException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { StreamReader } from './stream-reader.js';

/** What Lambda writes in a Kinesis event record besides the record itself. */
export interface KinesisEventContext {
  sourceArn: string;
  shardId: string;
  /** The function's execution role: Lambda's event names it. */
  invokeIdentityArn: string;
}

/** A record of GetRecords as Lambda puts it in its event: data in base64, the arrival time in seconds. */
export function kinesisEventRecord(record: KinesisRecord, { sourceArn, shardId, invokeIdentityArn }: KinesisEventContext): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey!,
      sequenceNumber: record.SequenceNumber!,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn,
    awsRegion: sourceArn.split(':')[3]!,
    eventSourceARN: sourceArn,
  };
}

/** GetRecords' largest Limit; Lambda's batch size can be as large. */
const KINESIS_MAX_RECORDS_PER_READ = 10_000;

/**
 * How requests name the stream: by ARN (any account's stream), or by name, as endpoints that
 * predate StreamARN (kinesalite) need: a standalone run given `--stream NAME` reads so.
 */
export type StreamAddressing = 'arn' | 'name';

export function kinesisReader(kinesis: KinesisClient, streamArn: string, invokeIdentityArn: string, addressing: StreamAddressing = 'arn'): StreamReader {
  const stream = addressing === 'arn' ? { StreamARN: streamArn } : { StreamName: streamArn.slice(streamArn.indexOf('/') + 1) };
  return {
    async shards() {
      const shards: Shard[] = [];
      let nextToken: string | undefined;
      do {
        // with a token, ListShards refuses the stream's name or ARN
        const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : stream));
        shards.push(...(page.Shards ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
      return shards.map((shard) => ({
        id: shard.ShardId!,
        parentIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined),
      }));
    },
    async iterator(shardId, position) {
      const { ShardIterator } = await kinesis.send(
        new GetShardIteratorCommand({
          ...stream,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...(position.type === 'AT_TIMESTAMP' ? { Timestamp: position.timestamp } : {}),
          ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      return ShardIterator!;
    },
    async read(shardId, iterator, limit) {
      const { Records = [], NextShardIterator, MillisBehindLatest } = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, KINESIS_MAX_RECORDS_PER_READ), ...(addressing === 'arn' ? stream : {}) }),
      );
      return {
        records: Records.map((record) => kinesisEventRecord(record, { sourceArn: streamArn, shardId, invokeIdentityArn })),
        nextIterator: NextShardIterator,
        millisBehindLatest: MillisBehindLatest,
      };
    },
    isExpired: (error) => error instanceof ExpiredIteratorException,
    // Kinesis has no error of its own for a trimmed position (DynamoDB Streams has)
    isTrimmed: () => false,
    isGone: (error) => error instanceof ResourceNotFoundException,
  };
}
