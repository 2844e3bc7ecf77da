import { encodeTextMessages } from '../../delivery/encode.js';
import { ACCOUNT_PART, ARN_PARTITION, REGION_PART } from '../destinations.js';
import type { TargetType } from '../types.js';

/** SNS: 256 KiB per message, and 256 KiB for all the messages of a PublishBatch call together. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
export const SNS_MAX_BATCH_ENTRIES = 10;
export const SNS_MAX_BATCH_BYTES = 262_144;

export interface SnsDestination {
  topicArn: string;
  region: string;
  fifo: boolean;
}

const TOPIC_ARN = new RegExp(`^${ARN_PARTITION}:sns:${REGION_PART}:${ACCOUNT_PART}:([A-Za-z0-9_-]{1,256}(\\.fifo)?)$`);

export const snsTarget: TargetType<SnsDestination, true> = {
  name: 'sns',
  destinationFormat: 'a topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)',
  parseDestination(raw) {
    const match = TOPIC_ARN.exec(raw);
    if (!match) throw new Error(`"${raw}" is not an SNS topic ARN`);
    return { topicArn: raw, region: match[1]!, fifo: match[4] !== undefined };
  },
  limits: { maxEntries: SNS_MAX_BATCH_ENTRIES, maxBatchBytes: SNS_MAX_BATCH_BYTES, maxEntryBytes: SNS_MAX_MESSAGE_BYTES },
  collapsible: true,
  aws: true,
  encode: encodeTextMessages,
  loadSender: async () => (await import('./sender.js')).createSnsSender,
};
