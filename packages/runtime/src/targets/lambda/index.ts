import { RECORDS_PAYLOAD_FRAMING_BYTES, encodeEach } from '../../delivery/encode.js';
import { ACCOUNT_PART, ARN_PARTITION, REGION_PART } from '../destinations.js';
import type { TargetType } from '../types.js';

/** Asynchronous Invoke: 1 MB of payload. */
export const LAMBDA_ASYNC_MAX_PAYLOAD_BYTES = 1_048_576;

export interface LambdaDestination {
  /** Name, ARN or partial ARN, with an optional version or alias: as Invoke takes it. */
  functionName: string;
  region?: string;
}

const FUNCTION = new RegExp(
  `^(?:${ARN_PARTITION}:lambda:${REGION_PART}:${ACCOUNT_PART}:function:|\\d{12}:function:)?[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
);

export const lambdaTarget: TargetType<LambdaDestination, true> = {
  name: 'lambda',
  destinationFormat: 'a function name or ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS])',
  parseDestination(raw) {
    const match = FUNCTION.exec(raw);
    if (!match) throw new Error(`"${raw}" is neither a Lambda function name nor its ARN`);
    return { functionName: raw, ...(match[1] ? { region: match[1] } : {}) };
  },
  limits: {
    maxEntries: Number.MAX_SAFE_INTEGER,
    maxBatchBytes: LAMBDA_ASYNC_MAX_PAYLOAD_BYTES - RECORDS_PAYLOAD_FRAMING_BYTES,
    maxEntryBytes: LAMBDA_ASYNC_MAX_PAYLOAD_BYTES - RECORDS_PAYLOAD_FRAMING_BYTES,
  },
  collapsible: false,
  aws: true,
  // each record as Lambda's event record; +1 for the comma that joins it to the others
  encode: (records) => encodeEach(records, (record) => Buffer.from(JSON.stringify(record.eventRecord)), () => 1),
  loadSender: async () => (await import('./sender.js')).createLambdaSender,
};
