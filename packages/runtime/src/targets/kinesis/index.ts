import { createHash } from 'node:crypto';
import { encodeEach } from '../../delivery/encode.js';
import type { FanoutRecord } from '../../records/index.js';
import { ACCOUNT_PART, ARN_PARTITION, REGION_PART } from '../destinations.js';
import type { TargetType } from '../types.js';

/** PutRecords: 500 records, 1 MiB per record (data and partition key), 5 MiB per call. */
export const KINESIS_MAX_BATCH_ENTRIES = 500;
export const KINESIS_MAX_RECORD_BYTES = 1_048_576;
export const KINESIS_MAX_BATCH_BYTES = 5_242_880;
export const KINESIS_MAX_PARTITION_KEY_LENGTH = 256;

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

export const kinesisTarget: TargetType<KinesisDestination> = {
  name: 'kinesis',
  destinationFormat: 'a stream name or ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)',
  parseDestination(raw) {
    const arn = STREAM_ARN.exec(raw);
    if (arn) return { streamName: arn[3]!, streamArn: raw, region: arn[1]! };
    if (!STREAM_NAME.test(raw)) throw new Error(`"${raw}" is neither a Kinesis stream name nor a stream ARN`);
    return { streamName: raw };
  },
  limits: { maxEntries: KINESIS_MAX_BATCH_ENTRIES, maxBatchBytes: KINESIS_MAX_BATCH_BYTES, maxEntryBytes: KINESIS_MAX_RECORD_BYTES },
  collapsible: false,
  aws: true,
  encode: (records) => encodeEach(records, (record) => record.data, (record) => Buffer.byteLength(partitionKeyOf(record))),
  loadSender: async () => (await import('./sender.js')).createKinesisSender,
};
