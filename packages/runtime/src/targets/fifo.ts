import { createHash } from 'node:crypto';
import type { Entry } from './types.js';

/** FIFO topics and queues take group and deduplication ids of at most 128 characters. */
export const FIFO_MAX_ID_LENGTH = 128;

function fitted(id: string): string {
  return id.length > 0 && id.length <= FIFO_MAX_ID_LENGTH ? id : createHash('sha256').update(id).digest('hex');
}

/** The message group: the key of the entry's first record, so that one key keeps its order. */
export function messageGroupId(entry: Entry): string {
  return fitted(entry.records[0]?.key ?? '');
}

/** The deduplication id: the sequence numbers of the entry's records, so that a retried record is dropped. */
export function messageDeduplicationId(entry: Entry): string {
  const ids = entry.records.map((record) =>
    record.subSequenceNumber === undefined ? record.sequenceNumber : `${record.sequenceNumber}.${record.subSequenceNumber}`,
  );
  return createHash('sha256').update(ids.join(',')).digest('hex');
}

/** The FIFO fields of a message to a FIFO topic or queue; none for a standard one. */
export function fifoFields(entry: Entry, fifo: boolean): { MessageGroupId?: string; MessageDeduplicationId?: string } {
  return fifo ? { MessageGroupId: messageGroupId(entry), MessageDeduplicationId: messageDeduplicationId(entry) } : {};
}
