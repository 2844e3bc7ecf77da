import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { InFlight } from '../../delivery/in-flight.js';
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
  if (status >= 200 && status < 300) return delivered();
  const answer = `HTTP ${status} ${statusText}`.trimEnd();
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

  const requestsOf = requestsBySignal();

  const post = (entry: Entry, authorization: string | undefined, signal: AbortSignal, done: (outcome: EntryOutcome) => void): void => {
    const headers: OutgoingHttpHeaders = { 'content-type': contentType, 'content-length': Buffer.byteLength(entry.body) };
    if (authorization !== undefined) headers.authorization = authorization;
    const requests = requestsOf(signal);
    // the slot in `requests`, once added
    let slot = -1;
    // let go of once called: the request, kept by its answer after it ended, would keep the batch through it
    let settle: typeof done | undefined = done;
    const settled = (outcome: EntryOutcome) => {
      const called = settle;
      if (!called) return;
      settle = undefined;
      if (slot >= 0) requests.remove(slot, posted);
      called(outcome);
    };
    const posted = request(url, { method: 'POST', headers, agent }, (response) => {
      // the answer's body is not read, only drained, so that the connection serves the next request
      response.resume();
      settled(outcomeOf(response.statusCode ?? 0, response.statusMessage ?? ''));
    });
    posted.once('error', (error) => settled(retryable(`POST failed: ${describeRequestError(error)}`)));
    if (signal.aborted) posted.destroy(abortError(signal));
    else slot = requests.add(posted);
    posted.end(entry.body);
  };

  return {
    send(batch, signal) {
      let authorization: string | undefined;
      if (authorizationEnv !== undefined) {
        authorization = process.env[authorizationEnv];
        if (!authorization) return Promise.resolve(batch.map(() => retryable(`environment variable ${authorizationEnv} (authorizationEnv) is not set`)));
      }
      // one entry a batch (a request a batch): no array of promises to wait for
      if (batch.length === 1) return new Promise((resolve) => post(batch[0]!, authorization, signal, (outcome) => resolve([outcome])));
      return Promise.all(batch.map((entry) => new Promise<EntryOutcome>((resolve) => post(entry, authorization, signal, resolve))));
    },
    close: async () => agent.destroy(),
  };
};

/**
 * The requests in flight under each signal, destroyed together when it aborts: the sends of a
 * delivery share a signal, and one listener a signal costs next to nothing where one a request
 * (Node's EventTarget) was a twentieth of a small request's CPU. Passing the signal as request()'s
 * own option costs more again, in the stream machinery.
 */
function requestsBySignal(): (signal: AbortSignal) => InFlight<ClientRequest> {
  const bySignal = new WeakMap<AbortSignal, InFlight<ClientRequest>>();
  return (signal) => {
    let requests = bySignal.get(signal);
    if (!requests) {
      const inFlight = (requests = new InFlight());
      bySignal.set(signal, inFlight);
      signal.addEventListener(
        'abort',
        () => {
          for (const posted of inFlight.items()) posted.destroy(abortError(signal));
          inFlight.clear();
        },
        { once: true },
      );
    }
    return requests;
  };
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError' });
}

/** An aborted request says only that it was aborted: its cause says why (the timeout). */
function describeRequestError(error: Error): string {
  const said = error.name === 'AbortError' && error.cause instanceof Error ? error.cause : error;
  return `${said.name}: ${said.message}`;
}
