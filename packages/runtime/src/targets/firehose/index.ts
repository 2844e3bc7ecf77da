import { encodeEach } from '../../delivery/encode.js';
import { ACCOUNT_PART, ARN_PARTITION, REGION_PART } from '../destinations.js';
import type { TargetType } from '../types.js';

/** PutRecordBatch: 500 records, 1,000 KiB per record, 4 MiB per call. */
export const FIREHOSE_MAX_BATCH_ENTRIES = 500;
export const FIREHOSE_MAX_RECORD_BYTES = 1_024_000;
export const FIREHOSE_MAX_BATCH_BYTES = 4_194_304;

export interface FirehoseDestination {
  deliveryStreamName: string;
  region?: string;
}

const DELIVERY_STREAM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DELIVERY_STREAM_ARN = new RegExp(`^${ARN_PARTITION}:firehose:${REGION_PART}:${ACCOUNT_PART}:deliverystream/([A-Za-z0-9_.-]{1,64})$`);

export const firehoseTarget: TargetType<FirehoseDestination, true> = {
  name: 'firehose',
  destinationFormat: 'a delivery stream name or ARN (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)',
  parseDestination(raw) {
    const arn = DELIVERY_STREAM_ARN.exec(raw);
    if (arn) return { deliveryStreamName: arn[3]!, region: arn[1]! };
    if (!DELIVERY_STREAM_NAME.test(raw)) throw new Error(`"${raw}" is neither a delivery stream name nor its ARN`);
    return { deliveryStreamName: raw };
  },
  limits: { maxEntries: FIREHOSE_MAX_BATCH_ENTRIES, maxBatchBytes: FIREHOSE_MAX_BATCH_BYTES, maxEntryBytes: FIREHOSE_MAX_RECORD_BYTES },
  collapsible: false,
  aws: true,
  encode: (records) => encodeEach(records, (record) => record.data),
  loadSender: async () => (await import('./sender.js')).createFirehoseSender,
};
