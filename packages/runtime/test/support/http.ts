import { HttpSinkClient, uniqueName } from '@fanout/testbed';
import type { KinesisStreamRecord } from 'aws-lambda';
import { inject } from 'vitest';

export const sink = new HttpSinkClient(inject('testbed').http.endpoint);

/** A path on the sink that no other test posts to. */
export function uniqueSinkPath(): string {
  return `/${uniqueName('http-target')}`;
}

/** A Kinesis record as an http target's body gives it (alone with collapse none, an element with JSON), written out field by field. */
export function kinesisDocument({ kinesis }: KinesisStreamRecord): string {
  const { kinesisSchemaVersion, partitionKey, sequenceNumber, data, approximateArrivalTimestamp } = kinesis;
  return JSON.stringify({ kinesisSchemaVersion, partitionKey, sequenceNumber, data, approximateArrivalTimestamp });
}
