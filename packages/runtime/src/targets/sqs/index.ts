import { encodeTextMessages } from '../../delivery/encode.js';
import { parseHttpUrl } from '../destinations.js';
import type { TargetType } from '../types.js';

/** SQS: 1 MiB per message, and 1 MiB for all the messages of a SendMessageBatch call together. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 1_048_576;

export interface SqsDestination {
  queueUrl: string;
  /** From an AWS queue URL's host; absent for other endpoints. */
  region?: string;
  fifo: boolean;
}

const QUEUE_PATH = /^\/(\d{12})\/([A-Za-z0-9_-]{1,80}(\.fifo)?)$/;
const AWS_QUEUE_HOST = /^(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?)$/;

export const sqsTarget: TargetType<SqsDestination, true> = {
  name: 'sqs',
  destinationFormat: 'a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE)',
  parseDestination(raw) {
    const url = parseHttpUrl(raw, 'an SQS queue URL');
    const path = QUEUE_PATH.exec(url.pathname);
    if (!path) throw new Error(`"${raw}" has no /ACCOUNT/QUEUE path`);
    const host = AWS_QUEUE_HOST.exec(url.hostname);
    const region = host?.[1] ?? host?.[2];
    return { queueUrl: raw, fifo: path[3] !== undefined, ...(region ? { region } : {}) };
  },
  limits: { maxEntries: SQS_MAX_BATCH_ENTRIES, maxBatchBytes: SQS_MAX_BATCH_BYTES, maxEntryBytes: SQS_MAX_MESSAGE_BYTES },
  collapsible: true,
  aws: true,
  encode: encodeTextMessages,
  loadSender: async () => (await import('./sender.js')).createSqsSender,
};
