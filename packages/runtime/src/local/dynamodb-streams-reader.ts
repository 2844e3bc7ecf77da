import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  ResourceNotFoundException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamReader } from './stream-reader.js';

/** Lambda's JSON event carries binary attribute values in base64, where the SDK gives bytes. */
function withBinaryInBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(withBinaryInBase64);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, withBinaryInBase64(field)]));
  return value;
}

/** A record of GetRecords as Lambda puts it in its event: binary values in base64, the creation time in seconds. */
export function dynamodbEventRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...change } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? streamArn.split(':')[3],
    dynamodb: {
      ...(withBinaryInBase64(change) as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
}

/** GetRecords' largest Limit for DynamoDB Streams. */
const DYNAMODB_MAX_RECORDS_PER_READ = 1_000;

export function dynamodbStreamsReader(streams: DynamoDBStreamsClient, streamArn: string): StreamReader {
  return {
    async shards() {
      const shards: Shard[] = [];
      let exclusiveStartShardId: string | undefined;
      do {
        const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
        shards.push(...(StreamDescription?.Shards ?? []));
        exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId);
      return shards.map((shard) => ({ id: shard.ShardId!, parentIds: shard.ParentShardId ? [shard.ParentShardId] : [] }));
    },
    async iterator(shardId, position) {
      // DynamoDB Streams has no AT_TIMESTAMP; Lambda does not offer it for them either
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type === 'AT_TIMESTAMP' ? 'TRIM_HORIZON' : position.type,
          ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      return ShardIterator!;
    },
    async read(_shardId, iterator, limit) {
      // Lambda reads more than once to fill a larger batch; one read of up to 1,000 is a smaller batch, which is allowed
      const { Records = [], NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, DYNAMODB_MAX_RECORDS_PER_READ) }));
      return { records: Records.map((record) => dynamodbEventRecord(record, streamArn)), nextIterator: NextShardIterator };
    },
    isExpired: (error) => error instanceof ExpiredIteratorException,
    isTrimmed: (error) => error instanceof TrimmedDataAccessException,
    isGone: (error) => error instanceof ResourceNotFoundException,
  };
}
