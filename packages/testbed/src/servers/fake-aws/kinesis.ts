import { json } from '../fault-proxy/answers.js';
import { JSON_1_1, parseJson, type Handler, type Keep } from './calls.js';
import { SHARD_ID, nextSequenceNumber } from './ids.js';

/** Kinesis over AWS JSON 1.1: every stream has one shard, which takes every record. */

interface Stream {
  StreamName?: string;
  StreamARN?: string;
}

interface KinesisRecord {
  Data: string;
  PartitionKey: string;
}

/** Where a record goes: the stream as the call named it. */
function streamOf({ StreamName, StreamARN }: Stream): string {
  return StreamName ?? StreamARN ?? '';
}

function accept(record: KinesisRecord, stream: string, keep: Keep | undefined) {
  keep?.(stream, record.Data, record.PartitionKey);
  return { ShardId: SHARD_ID, SequenceNumber: nextSequenceNumber() };
}

export const putRecord: Handler = ({ body }, keep) => {
  const request = parseJson<Stream & KinesisRecord>(body);
  return { entries: 1, reply: json(200, JSON_1_1, accept(request, streamOf(request), keep)) };
};

export const putRecords: Handler = ({ body }, keep) => {
  const request = parseJson<Stream & { Records: KinesisRecord[] }>(body);
  const stream = streamOf(request);
  const records = request.Records.map((record) => accept(record, stream, keep));
  return { entries: records.length, reply: json(200, JSON_1_1, { FailedRecordCount: 0, Records: records }) };
};

/** An account and a region for the ARN of a stream named without one (moto's default account). */
const ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';
/** The region of the SigV4 credential scope: `Credential=AKID/20260101/REGION/kinesis/aws4_request`. */
const SIGNED_REGION = /Credential=[^/,]+\/\d{8}\/([^/,]+)\//;
const ARN_STREAM = ':stream/';
/** Kinesis' largest record (the runtime packs records to the stream's maximum). */
const MAX_RECORD_SIZE_KIB = 1024;
const RETENTION_HOURS = 24;
/** Every fake stream was made when the fake started (epoch seconds, as Kinesis writes its timestamps). */
const CREATED_SECONDS = Math.floor(Date.now() / 1000);

/**
 * A summary of an ACTIVE stream of one shard, for any stream named: what the runtime's Kinesis
 * sender reads before it sends, answered when there is no upstream to ask.
 */
export const describeStreamSummary: Handler = ({ body, headers }) => {
  const { StreamName, StreamARN } = parseJson<Stream>(body);
  const region = SIGNED_REGION.exec(String(headers.authorization ?? ''))?.[1] ?? DEFAULT_REGION;
  const name = StreamName ?? StreamARN?.slice(StreamARN.indexOf(ARN_STREAM) + ARN_STREAM.length) ?? '';
  const summary = {
    StreamName: name,
    StreamARN: StreamARN ?? `arn:aws:kinesis:${region}:${ACCOUNT}:stream/${name}`,
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: 'PROVISIONED' },
    RetentionPeriodHours: RETENTION_HOURS,
    StreamCreationTimestamp: CREATED_SECONDS,
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
    OpenShardCount: 1,
    ConsumerCount: 0,
    MaxRecordSizeInKiB: MAX_RECORD_SIZE_KIB,
  };
  return { entries: 1, reply: json(200, JSON_1_1, { StreamDescriptionSummary: summary }) };
};
