import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { CollapseMode } from '../options.js';
import { delivered, rejected, retryable, type CreateSender, type Entry, type EntryOutcome } from '../types.js';
import type { HttpDestination } from './index.js';

const CONTENT_TYPES: Record<CollapseMode, string> = {
  none: 'application/json',
  JSON: 'application/json',
  concat: 'application/octet-stream',
  'concat-b64': 'text/plain',
};

function outcomeOf(status: number, statusText: string): EntryOutcome {
  const answer = `HTTP ${status} ${statusText}`.trimEnd();
  if (status >= 200 && status < 300) return delivered();
  if (status === 429 || status >= 500) return retryable(answer);
  return rejected(answer);
}

/**
 * POSTs each entry to the URL. 2xx is delivered; 429, 5xx, network errors and timeouts are
 * retried; any other answer is rejected (a redirect too: following it would turn the POST into a
 * GET without the body). The Authorization header's value is read from the environment at each
 * send, so that a rotated secret is picked up, and is never logged. Node's own HTTP client, with
 * connections kept alive: fetch costs about half as much CPU again per request, and more with a signal.
 */
export const createHttpSender: CreateSender<HttpDestination> = ({ destination, target }) => {
  const contentType = CONTENT_TYPES[target.collapse ?? 'JSON'];
  const authorizationEnv = target.authorizationEnv;
  const url = new URL(destination.url);
  const secure = url.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const request = secure ? httpsRequest : httpRequest;

  const post = (entry: Entry, authorization: string | undefined, signal: AbortSignal): Promise<EntryOutcome> =>
    new Promise((resolve) => {
      const headers: OutgoingHttpHeaders = { 'content-type': contentType, 'content-length': Buffer.byteLength(entry.body) };
      if (authorization !== undefined) headers.authorization = authorization;
      const posted = request(url, { method: 'POST', headers, agent }, (response) => {
        signal.removeEventListener('abort', abort);
        // the answer's body is not read, only drained, so that the connection serves the next request
        response.resume();
        resolve(outcomeOf(response.statusCode ?? 0, response.statusMessage ?? ''));
      });
      // the delivery's signal (the invocation's time, and its request timeout) listened to here: as
      // request()'s own option it costs a fifth of the CPU of a request, in the stream machinery
      const abort = () => posted.destroy(Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError' }));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      posted.once('error', (error) => {
        signal.removeEventListener('abort', abort);
        resolve(retryable(`POST failed: ${describeRequestError(error)}`));
      });
      posted.end(entry.body);
    });

  return {
    async send(batch, signal) {
      let authorization: string | undefined;
      if (authorizationEnv !== undefined) {
        authorization = process.env[authorizationEnv];
        if (!authorization) return batch.map(() => retryable(`environment variable ${authorizationEnv} (authorizationEnv) is not set`));
      }
      // one entry a batch (a request a batch): no array of promises to wait for
      if (batch.length === 1) return [await post(batch[0]!, authorization, signal)];
      return Promise.all(batch.map((entry) => post(entry, authorization, signal)));
    },
    close: async () => agent.destroy(),
  };
};

/** An aborted request says only that it was aborted: its cause says why (the timeout). */
function describeRequestError(error: Error): string {
  const said = error.name === 'AbortError' && error.cause instanceof Error ? error.cause : error;
  return `${said.name}: ${said.message}`;
}
