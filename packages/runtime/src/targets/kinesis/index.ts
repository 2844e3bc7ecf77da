import { createHash } from 'node:crypto';
import { encodeEach } from '../../delivery/encode.js';
import type { FanoutRecord } from '../../records/index.js';
import { ACCOUNT_PART, ARN_PARTITION, REGION_PART } from '../destinations.js';
import type { BatchLimits, TargetType } from '../types.js';

/** PutRecords: 500 records a call. */
export const KINESIS_MAX_BATCH_ENTRIES = 500;
/** A stream's maximum record size (data and partition key) unless it was raised: 1 MiB. */
export const KINESIS_DEFAULT_MAX_RECORD_BYTES = 1_048_576;
/** The most a stream can be raised to (UpdateMaxRecordSize's MaxRecordSizeInKiB: 1024 to 10240): 10 MiB. */
export const KINESIS_LARGEST_MAX_RECORD_BYTES = 10_485_760;
/** PutRecords to a stream of 1 MiB records: 5 MiB a call, what every Kinesis endpoint takes. */
export const KINESIS_MAX_BATCH_BYTES = 5_242_880;
/** PutRecords to a stream raised above 1 MiB: 10 MiB a call, so that its largest record fits. */
export const KINESIS_LARGE_RECORDS_MAX_BATCH_BYTES = 10_485_760;
export const KINESIS_MAX_PARTITION_KEY_LENGTH = 256;

/** A stream's limits from its MaxRecordSizeInKiB (DescribeStreamSummary), the default when it has none. */
export function kinesisLimits(maxRecordSizeInKiB: number | undefined): BatchLimits {
  const said = (maxRecordSizeInKiB ?? 0) * 1_024;
  const maxEntryBytes = Math.min(Math.max(said, KINESIS_DEFAULT_MAX_RECORD_BYTES), KINESIS_LARGEST_MAX_RECORD_BYTES);
  return {
    maxEntries: KINESIS_MAX_BATCH_ENTRIES,
    maxBatchBytes: maxEntryBytes > KINESIS_DEFAULT_MAX_RECORD_BYTES ? KINESIS_LARGE_RECORDS_MAX_BATCH_BYTES : KINESIS_MAX_BATCH_BYTES,
    maxEntryBytes,
  };
}

export interface KinesisDestination {
  streamName: string;
  streamArn?: string;
  region?: string;
}

const STREAM_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const STREAM_ARN = new RegExp(`^${ARN_PARTITION}:kinesis:${REGION_PART}:${ACCOUNT_PART}:stream/([A-Za-z0-9_.-]{1,128})$`);

/** The record's key, or a digest of it when it is longer than Kinesis takes (same key, same digest). */
export function partitionKeyOf(record: FanoutRecord): string {
  return record.key.length <= KINESIS_MAX_PARTITION_KEY_LENGTH && record.key.length > 0
    ? record.key
    : createHash('sha256').update(record.key).digest('hex');
}

export const kinesisTarget: TargetType<KinesisDestination, true> = {
  name: 'kinesis',
  destinationFormat: 'a stream name or ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)',
  parseDestination(raw) {
    const arn = STREAM_ARN.exec(raw);
    if (arn) return { streamName: arn[3]!, streamArn: raw, region: arn[1]! };
    if (!STREAM_NAME.test(raw)) throw new Error(`"${raw}" is neither a Kinesis stream name nor a stream ARN`);
    return { streamName: raw };
  },
  // a stream's default; its sender reads the stream's own
  limits: kinesisLimits(undefined),
  collapsible: false,
  aws: true,
  encode: (records) => encodeEach(records, (record) => record.data, (record) => Buffer.byteLength(partitionKeyOf(record))),
  loadSender: async () => (await import('./sender.js')).createKinesisSender,
};
