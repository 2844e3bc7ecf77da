import { dataAsJson, encodeCollapsed } from '../../delivery/encode.js';
import { parseHttpUrl, withScheme } from '../destinations.js';
import type { TargetType } from '../types.js';

/** IoT Core Publish: one message per call, 128 KiB of payload. */
export const IOT_MAX_PAYLOAD_BYTES = 131_072;

export interface IotDestination {
  /** The data endpoint as a URL (`https://` added to a bare host name). */
  endpoint: string;
  topic: string;
  region?: string;
}

const AWS_DATA_ENDPOINT = /\.iot\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export const iotTarget: TargetType<IotDestination, true> = {
  name: 'iot',
  destinationFormat: 'ENDPOINT#TOPIC (the account\'s IoT data endpoint, e.g. abc123-ats.iot.us-east-1.amazonaws.com#my/topic)',
  parseDestination(raw) {
    const separator = raw.indexOf('#');
    const [endpointPart, topic] = separator < 0 ? [raw, ''] : [raw.slice(0, separator), raw.slice(separator + 1)];
    if (!endpointPart || !topic) throw new Error(`"${raw}" is not ENDPOINT#TOPIC`);
    if (/[+#]/.test(topic) || topic.startsWith('$')) throw new Error(`topic "${topic}" has a wildcard (+ or #) or starts with $`);
    const endpoint = parseHttpUrl(withScheme(endpointPart), 'an IoT data endpoint');
    const region = AWS_DATA_ENDPOINT.exec(endpoint.hostname)?.[1];
    return { endpoint: endpoint.origin, topic, ...(region ? { region } : {}) };
  },
  limits: { maxEntries: 1, maxBatchBytes: IOT_MAX_PAYLOAD_BYTES, maxEntryBytes: IOT_MAX_PAYLOAD_BYTES },
  collapsible: true,
  aws: true,
  encode: (records, target, limits) => encodeCollapsed(records, target.collapse ?? 'JSON', limits.maxEntryBytes, dataAsJson),
  loadSender: async () => (await import('./sender.js')).createIotSender,
};
