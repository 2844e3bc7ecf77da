import { delivered, rejected, retryable, type CollapseMode, type CreateSender, type Entry, type EntryOutcome } from '../types.js';
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
 * retried; any other answer is rejected. The Authorization header's value is read from the
 * environment at each send, so that a rotated secret is picked up, and is never logged.
 */
export const createHttpSender: CreateSender<HttpDestination> = ({ destination, target }) => {
  const contentType = CONTENT_TYPES[target.collapse ?? 'JSON'];
  const authorizationEnv = target.authorizationEnv;

  const post = async (entry: Entry, authorization: string | undefined, signal: AbortSignal): Promise<EntryOutcome> => {
    try {
      const response = await fetch(destination.url, {
        method: 'POST',
        body: entry.body,
        headers: { 'content-type': contentType, ...(authorization === undefined ? {} : { authorization }) },
        // following a 301/302/303 would turn the POST into a GET without the body, and report its answer
        redirect: 'manual',
        // the delivery's: the invocation's time, and its request timeout (REQUEST_TIMEOUT_MS)
        signal,
      });
      await response.body?.cancel();
      return outcomeOf(response.status, response.statusText);
    } catch (error) {
      return retryable(`POST failed: ${describeFetchError(error)}`);
    }
  };

  return {
    async send(batch, signal) {
      let authorization: string | undefined;
      if (authorizationEnv !== undefined) {
        authorization = process.env[authorizationEnv];
        if (!authorization) return batch.map(() => retryable(`environment variable ${authorizationEnv} (authorizationEnv) is not set`));
      }
      return Promise.all(batch.map((entry) => post(entry, authorization, signal)));
    },
  };
};

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout...). */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
