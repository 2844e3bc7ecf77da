import type { FanoutRecord } from '../../records/index.js';
import { isKinesisRecord } from '../../records/index.js';
import { encodeCollapsed } from '../../delivery/encode.js';
import { parseHttpUrl } from '../destinations.js';
import type { TargetType } from '../types.js';

/** One request body at most: 6 MiB, what a Lambda function URL or an API Gateway HTTP API takes. */
export const HTTP_MAX_BODY_BYTES = 6_291_456;

export interface HttpDestination {
  url: string;
}

/**
 * A record as the HTTP body gives it: for Kinesis, the record as Lambda's event has it (data in
 * base64); for DynamoDB, the stream record.
 */
export function recordDocument(record: FanoutRecord): unknown {
  const { eventRecord } = record;
  if (!isKinesisRecord(eventRecord)) return eventRecord;
  return {
    kinesisSchemaVersion: eventRecord.kinesis.kinesisSchemaVersion,
    partitionKey: record.key,
    sequenceNumber: record.sequenceNumber,
    ...(record.subSequenceNumber === undefined ? {} : { subSequenceNumber: record.subSequenceNumber }),
    data: record.base64Data ?? record.data.toString('base64'),
    approximateArrivalTimestamp: record.approximateArrivalTimestamp,
  };
}

function documentJson(record: FanoutRecord): Buffer {
  return Buffer.from(JSON.stringify(recordDocument(record)));
}

export const httpTarget: TargetType<HttpDestination, false> = {
  name: 'http',
  destinationFormat: 'an http:// or https:// URL',
  parseDestination(raw) {
    return { url: parseHttpUrl(raw, 'an HTTP endpoint').href };
  },
  limits: { maxEntries: 1, maxBatchBytes: HTTP_MAX_BODY_BYTES, maxEntryBytes: HTTP_MAX_BODY_BYTES },
  collapsible: true,
  aws: false,
  extraFields: ['authorizationEnv'],
  encode: (records, target, limits) =>
    encodeCollapsed(records, target.collapse ?? 'JSON', limits.maxEntryBytes, { single: documentJson, element: documentJson, text: false }),
  loadSender: async () => (await import('./sender.js')).createHttpSender,
};
