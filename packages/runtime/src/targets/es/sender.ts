import { Client, type API } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { delivered, rejected, retryable, type CreateSender, type EntryOutcome } from '../types.js';
import type { EsDestination } from './index.js';

/** How long one _bulk request may take before it counts as failed (and is retried by the delivery layer). */
export const ES_REQUEST_TIMEOUT_MS = 30_000;

type BulkItem = API.Bulk_ResponseBody['items'][number];

/** A failed item worth sending again: the cluster is busy or failing, or writes are blocked for now (e.g. disk full). */
function isTransient(status: number, errorType: string | undefined): boolean {
  return status === 429 || status >= 500 || errorType === 'cluster_block_exception';
}

function itemOutcome(item: BulkItem): EntryOutcome {
  const [action, result] = Object.entries(item)[0] ?? [];
  if (!result) return retryable('an empty item in the _bulk response');
  const { status, error } = result;
  if (status >= 200 && status < 300) return delivered();
  // deleting what is already gone is what a REMOVE wants
  if (action === 'delete' && status === 404) return delivered();
  // OpenSearch quotes the refused value in its reason ("Preview of field's value: '...'"): payloads stay out of the logs
  const reason = `${status} ${error?.type ?? ''}: ${(error?.reason ?? '').replace(/Preview of field's value: .*/s, "Preview of field's value: (not logged)")}`;
  return isTransient(status, error?.type) ? retryable(reason) : rejected(reason);
}

/** OpenSearch's name in the SDK's endpoint variables (AWS_ENDPOINT_URL_OPENSEARCH). */
const OPENSEARCH_ENDPOINT_SERVICE = 'OPENSEARCH';

/** One _bulk request per batch, SigV4-signed; the outcome of each entry comes from its item in the response. */
export const createEsSender: CreateSender<EsDestination> = ({ destination, awsScope }) => {
  const { region, credentials, endpoint } = awsScope(destination.region, { url: destination.node, service: OPENSEARCH_ENDPOINT_SERVICE });
  const client = new Client({
    ...AwsSigv4Signer({ region, service: destination.signingService, getCredentials: () => credentials() }),
    node: endpoint ?? destination.node,
    requestTimeout: ES_REQUEST_TIMEOUT_MS,
    // the delivery layer retries, with backoff and within the invocation's time
    maxRetries: 0,
  });
  const path = `/${encodeURIComponent(destination.index)}/_bulk`;
  return {
    async send(batch, signal) {
      const request = client.transport.request({ method: 'POST', path, bulkBody: Buffer.concat(batch.map((entry) => entry.body)) });
      const abort = () => request.abort();
      signal.addEventListener('abort', abort, { once: true });
      const response = await request.finally(() => signal.removeEventListener('abort', abort));
      const { items } = response.body as Partial<API.Bulk_ResponseBody>;
      if (items?.length !== batch.length) {
        throw new Error(`the _bulk response has ${items?.length ?? 'no'} items for ${batch.length} actions`);
      }
      return items.map(itemOutcome);
    },
    close: () => client.close(),
  };
};
