import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { awsClientConfig, motoRequests, uniqueName, type AwsCredentials } from '@fanout/testbed';
import { Http1KinesisClient } from '../../src/targets/kinesis/client.js';
import { aws } from './harness.js';

export interface StreamOptions {
  region?: string;
  credentials?: AwsCredentials;
  /** A chosen name, e.g. the name of a stream elsewhere. */
  name?: string;
}

function kinesisClient(options: StreamOptions = {}): Http1KinesisClient {
  return new Http1KinesisClient(awsClientConfig(aws, options));
}

/** A single-shard stream, so that reading it back gives the records in the order they were put. */
export async function createStream(options: StreamOptions = {}): Promise<{ name: string; arn: string }> {
  const name = options.name ?? uniqueName('target-stream');
  const kinesis = kinesisClient(options);
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
  return { name, arn: StreamDescriptionSummary!.StreamARN! };
}

export interface StreamRecord {
  partitionKey: string;
  data: Buffer;
}

/** Every record in the stream, shard by shard, each shard's in order, read from its start. */
export async function readStream(streamName: string, options: StreamOptions = {}): Promise<StreamRecord[]> {
  const kinesis = kinesisClient(options);
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: StreamRecord[] = [];
  for (const shard of Shards ?? []) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (!page.Records?.length) break;
      records.push(...page.Records.map((record) => ({ partitionKey: record.PartitionKey!, data: Buffer.from(record.Data!) })));
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

export interface StreamCall {
  StreamName?: string;
  StreamARN?: string;
}

export interface PutRecordsCall extends StreamCall {
  Records: unknown[];
}

/** The calls of a Kinesis operation moto received for the stream (named by name or by ARN), oldest first. */
export function kinesisCalls<Call extends StreamCall>(operation: string, streamName: string): Call[] {
  return motoRequests(aws, /^\/$/)
    .filter((request) => request.headers['X-Amz-Target'] === `Kinesis_20131202.${operation}`)
    .map((request) => JSON.parse(request.body.toString('utf8')) as Call)
    .filter((call) => call.StreamName === streamName || call.StreamARN?.endsWith(`:stream/${streamName}`));
}

export function putRecordsCalls(streamName: string): PutRecordsCall[] {
  return kinesisCalls<PutRecordsCall>('PutRecords', streamName);
}
