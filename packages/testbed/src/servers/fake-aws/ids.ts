import { randomUUID } from 'node:crypto';

/** The one shard a fake stream has. */
export const SHARD_ID = 'shardId-000000000000';

/** Kinesis-like: digits of a fixed width, so that later ones sort after earlier ones as text and as numbers. */
const SEQUENCE_PREFIX = '4960';
const SEQUENCE_DIGITS = 36;

let sequence = 0;

/** Increasing across the process: Kinesis records, and FIFO queues' and topics' messages. */
export function nextSequenceNumber(): string {
  sequence += 1;
  return SEQUENCE_PREFIX + String(sequence).padStart(SEQUENCE_DIGITS, '0');
}

export const newId: () => string = randomUUID;
