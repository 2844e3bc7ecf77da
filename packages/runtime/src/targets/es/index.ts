import { dataLength, writeData, type FanoutRecord } from '../../records/index.js';
import { isUtf8 } from 'node:buffer';
import { encodeEach } from '../../delivery/encode.js';
import { isJsonObjectText, isJsonText } from '../../delivery/json-text.js';
import { parseHttpUrl, withScheme } from '../destinations.js';
import type { TargetType } from '../types.js';

/** One _bulk request: at most 5 MiB (under the 10 MiB HTTP payload limit of the smallest AWS domains) and 1,000 actions. */
export const ES_MAX_BULK_BYTES = 5_242_880;
export const ES_MAX_BULK_ACTIONS = 1_000;

export interface EsDestination {
  /** The domain's endpoint as a URL (`https://` added to a bare host name), with its path if it has one. */
  node: string;
  index: string;
  region?: string;
  /** The SigV4 service: `aoss` for an OpenSearch Serverless collection, `es` for a domain (and any other host). */
  signingService: 'es' | 'aoss';
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

const INDEX = /^[a-z0-9][a-z0-9_.+-]{0,254}$/;
const AWS_DOMAIN_HOST = /\.([a-z0-9-]+)\.(es|aoss)\.amazonaws\.com(?:\.cn)?$/;

/** The document id: the DynamoDB key, or the Kinesis sequence (and sub-sequence) number, so that a retry overwrites. */
export function documentId(record: FanoutRecord): string {
  if (record.keys) return record.key;
  return record.subSequenceNumber === undefined ? record.sequenceNumber : `${record.sequenceNumber}-${record.subSequenceNumber}`;
}

const NEWLINE = Buffer.from('\n');

/**
 * A record's action and document lines, the document being the record's own bytes, decoded from
 * the event's base64 straight after its action line and checked there.
 */
function bulkLines(record: FanoutRecord): Buffer {
  const id = JSON.stringify(documentId(record));
  if (record.action === 'REMOVE') return Buffer.from(`{"delete":{"_id":${id}}}\n`);
  const actionLine = `{"index":{"_id":${id}}}\n`;
  const start = Buffer.byteLength(actionLine);
  const lines = Buffer.allocUnsafe(start + dataLength(record) + 1);
  lines.write(actionLine, 0);
  const end = start + writeData(record, lines, start);
  const data = lines.subarray(start, end);
  // one reading of the text when it is what it should be; the second says what else it is
  if (!isUtf8(data) || !isJsonObjectText(data)) {
    throw new Error(isUtf8(data) && isJsonText(data) ? 'its data is not a JSON object; OpenSearch takes JSON objects as documents' : 'its data is not JSON; OpenSearch takes JSON documents');
  }
  // the record's own bytes when they fit on one line, so that numbers keep every digit
  if (data.includes(LINE_FEED) || data.includes(CARRIAGE_RETURN)) {
    return Buffer.concat([lines.subarray(0, start), Buffer.from(JSON.stringify(JSON.parse(data.toString('utf8')))), NEWLINE]);
  }
  lines[end] = LINE_FEED;
  return lines.subarray(0, end + 1);
}

export const esTarget: TargetType<EsDestination, true> = {
  name: 'es',
  destinationFormat: 'https://ENDPOINT#INDEX (or the legacy ENDPOINT#DOCTYPE/INDEX)',
  parseDestination(raw) {
    const separator = raw.indexOf('#');
    if (separator < 0) throw new Error(`"${raw}" has no #INDEX`);
    const endpointPart = raw.slice(0, separator);
    const indexPart = raw.slice(separator + 1);
    // the legacy form's document type is dropped: OpenSearch and Elasticsearch 7+ have no types
    const index = indexPart.includes('/') ? indexPart.slice(indexPart.indexOf('/') + 1) : indexPart;
    if (!INDEX.test(index)) {
      throw new Error(`index "${index}" is not a valid index name (lowercase letters, digits, _ . + -)`);
    }
    const node = parseHttpUrl(withScheme(endpointPart), 'an OpenSearch endpoint');
    const [, region, service] = AWS_DOMAIN_HOST.exec(node.hostname) ?? [];
    const path = node.pathname.replace(/\/+$/, '');
    return { node: node.origin + path, index, ...(region ? { region } : {}), signingService: service === 'aoss' ? 'aoss' : 'es' };
  },
  limits: { maxEntries: ES_MAX_BULK_ACTIONS, maxBatchBytes: ES_MAX_BULK_BYTES, maxEntryBytes: ES_MAX_BULK_BYTES },
  collapsible: false,
  aws: true,
  encode: (records) => encodeEach(records, bulkLines),
  loadSender: async () => (await import('./sender.js')).createEsSender,
};
