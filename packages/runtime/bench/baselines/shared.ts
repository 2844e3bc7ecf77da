/**
 * What the baselines share. A baseline is the irreducible cost of a target type's work: the same
 * bytes sent through the same SDK and HTTP clients in the fewest requests the APIs' limits allow,
 * written directly, with nothing of fanout in between; only the limits are fanout's (named
 * constants, the APIs' own figures).
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamRecord } from 'aws-lambda';
import { PARALLEL_BATCHES_PER_TARGET } from '../../src/delivery/deliver.js';
import type { StreamEvent } from '../../src/fanout.js';
import type { CollapseMode } from '../../src/targets/options.js';
import type { BenchDestinations } from '../cases.js';

/** What every consumer of the event must do: take each record's bytes out of its base64. */
export interface Item {
  record: KinesisStreamRecord;
  data: Buffer;
}

export type BaselineSend = (event: StreamEvent) => Promise<void>;

/** A target type's baseline: its client made, and how it sends an event. */
export type Baseline = (collapse: CollapseMode, to: BenchDestinations) => BaselineSend;

/** The requests, as many at once as fanout sends a target's batches (it sends them concurrently, as targets are parallel by default). */
export async function inFlight<T>(items: readonly T[], send: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await send(items[next++]!);
  };
  await Promise.all(Array.from({ length: PARALLEL_BATCHES_PER_TARGET }, lane));
}

/** Greedy, in order: the fewest groups of at most `maxCount` items and `maxBytes` bytes, as items must stay in order. */
export function groups<T>(items: readonly T[], size: (item: T) => number, maxCount: number, maxBytes: number): T[][] {
  const result: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = size(item);
    if (group.length > 0 && (group.length === maxCount || bytes + itemBytes > maxBytes)) {
      result.push(group);
      group = [];
      bytes = 0;
    }
    group.push(item);
    bytes += itemBytes;
  }
  if (group.length > 0) result.push(group);
  return result;
}

export function itemsOf(event: StreamEvent): Item[] {
  return (event.Records as KinesisStreamRecord[]).map((record) => ({ record, data: Buffer.from(record.kinesis.data, 'base64') }));
}

const JSON_OPEN = Buffer.from('{"Records":[');
const JSON_CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** Message bodies in a collapse mode: one per record, or as many records as fit in `maxBytes`. */
export function bodies(parts: readonly Buffer[], mode: CollapseMode, maxBytes: number): Buffer[] {
  switch (mode) {
    case 'none':
      return [...parts];
    case 'JSON':
      // `{"Records":[` and `]}` around the parts, a comma between two
      return groups(parts, (part) => part.length + 1, Number.MAX_SAFE_INTEGER, maxBytes - 13).map((group) =>
        Buffer.concat([JSON_OPEN, ...group.flatMap((part, index) => (index === 0 ? [part] : [COMMA, part])), JSON_CLOSE]),
      );
    case 'concat':
      return groups(parts, (part) => part.length, Number.MAX_SAFE_INTEGER, maxBytes).map((group) => Buffer.concat(group));
    case 'concat-b64':
      return groups(parts, (part) => part.length, Number.MAX_SAFE_INTEGER, Math.floor(maxBytes / 4) * 3).map((group) =>
        Buffer.from(Buffer.concat(group).toString('base64')),
      );
  }
}

/** A record as fanout's HTTP body shows it: the Kinesis record of Lambda's event. */
export function httpDocument(record: KinesisStreamRecord): string {
  const { kinesis } = record;
  return JSON.stringify({
    kinesisSchemaVersion: kinesis.kinesisSchemaVersion,
    partitionKey: kinesis.partitionKey,
    sequenceNumber: kinesis.sequenceNumber,
    data: kinesis.data,
    approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
  });
}

/**
 * A client configured as the function's is: its endpoint and keys from the environment
 * (AWS_ENDPOINT_URL), or at the endpoint a target's row names (IoT's data endpoint), in the
 * bench's region. An
 * endpoint given to a client where the function's has none skips SDK middleware the function runs
 * (SQS's queue URL check parses two URLs a request).
 */
export const awsConfig = (endpoint?: string) => ({ ...(endpoint ? { endpoint } : {}), region: 'us-east-1', requestHandler: new NodeHttpHandler() });

