import type { Handler, Reply } from './calls.js';

/** Lambda's Invoke (REST JSON): the SDK takes StatusCode from the HTTP status. */

const FUNCTIONS_PREFIX = '/2015-03-31/functions/';
const INVOCATIONS_SUFFIX = '/invocations';

/** By X-Amz-Invocation-Type: queued, or checked only (and not kept: nothing ran). */
const QUEUED: Reply = { status: 202, headers: {}, body: '' };
const CHECKED: Reply = { status: 204, headers: {}, body: '' };
const RAN_HEADERS = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };

/** Any function exists; one run synchronously (RequestResponse, the default) is an echo: it answers its payload. */
export const invoke: Handler = ({ body, path, headers }, keep) => {
  const invocationType = headers['x-amz-invocation-type'];
  if (invocationType === 'DryRun') return { entries: 1, reply: CHECKED };
  keep?.(decodeURIComponent(path.slice(FUNCTIONS_PREFIX.length, -INVOCATIONS_SUFFIX.length)), body.toString('base64'));
  return { entries: 1, reply: invocationType === 'Event' ? QUEUED : { status: 200, headers: RAN_HEADERS, body } };
};
