import type { CollapseMode } from '../../src/targets/types.js';

/** Records whose data is compact JSON (one with non-ASCII text), for the collapse modes of message targets. */
export const jsonRecords = [
  { partitionKey: 'a', data: '{"n":1,"text":"héllo"}' },
  { partitionKey: 'b', data: '{"n":2}' },
  { partitionKey: 'a', data: '{"n":3}' },
] as const;

/** The message bodies a collapse mode makes of records small enough to share one message, sorted. */
export function collapsedBodies(records: ReadonlyArray<{ data: string }>, mode: CollapseMode): string[] {
  const data = records.map((record) => record.data);
  switch (mode) {
    case 'none':
      return [...data].sort();
    case 'JSON':
      return [`{"Records":[${data.join(',')}]}`];
    case 'concat':
      return [data.join('')];
    case 'concat-b64':
      return [Buffer.from(data.join('')).toString('base64')];
  }
}
