import type { CollapseMode } from '../../src/targets/options.js';

/** Records whose data is compact JSON (one with non-ASCII text), for the collapse modes of message targets. */
export const jsonRecords = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: '{"n":2}' },
  { partitionKey: 'a', data: '{"n":3}' },
] as const;

/** A record as a collapsing target sees it. */
export interface CollapsedRecord {
  /** The record's bytes. */
  data: Buffer;
  /** The message the record makes alone (collapse none), which is also its element of collapse JSON. */
  message: Buffer;
}

/** The messages a collapse mode makes of records small enough to share one message; for `none`, in record order. */
export function collapsedMessages(records: readonly CollapsedRecord[], mode: CollapseMode): Buffer[] {
  const joinedData = () => Buffer.concat(records.map((record) => record.data));
  switch (mode) {
    case 'none':
      return records.map((record) => record.message);
    case 'JSON':
      return [
        Buffer.concat([
          Buffer.from('{"Records":['),
          ...records.flatMap((record, index) => (index === 0 ? [record.message] : [Buffer.from(','), record.message])),
          Buffer.from(']}'),
        ]),
      ];
    case 'concat':
      return [joinedData()];
    case 'concat-b64':
      return [Buffer.from(joinedData().toString('base64'))];
  }
}

/** The message bodies a collapse mode makes of records whose data is their message (SNS, SQS, IoT), sorted. */
export function collapsedBodies(records: ReadonlyArray<{ data: string }>, mode: CollapseMode): string[] {
  const asSent = records.map(({ data }) => ({ data: Buffer.from(data), message: Buffer.from(data) }));
  return collapsedMessages(asSent, mode)
    .map((message) => message.toString('utf8'))
    .sort();
}
