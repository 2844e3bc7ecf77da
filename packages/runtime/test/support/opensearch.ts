import { uniqueName } from '@fanout/testbed';
import { inject } from 'vitest';

export const { endpoint: OPENSEARCH_ENDPOINT } = inject('testbed').opensearch;

/** An index name no other test uses (index names are lowercase). */
export function uniqueIndex(): string {
  return uniqueName('fanout-test');
}

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${OPENSEARCH_ENDPOINT}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  if (!response.ok) throw new Error(`OpenSearch ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Creates an index, with field mappings when given. */
export async function createIndex(index: string, properties?: Record<string, unknown>): Promise<void> {
  await call('PUT', `/${index}`, properties ? { mappings: { properties } } : {});
}

/**
 * An index that keeps any JSON object as it is given: its fields are not mapped (dynamic false),
 * so that no field's type can refuse a document, e.g. an integer beyond a long.
 */
export async function createUnmappedIndex(index: string): Promise<void> {
  await call('PUT', `/${index}`, { mappings: { dynamic: false } });
}

/** A document's source exactly as stored (the bytes it was indexed with); undefined when there is no such document. */
export async function storedSource(index: string, id: string): Promise<Buffer | undefined> {
  const response = await fetch(`${OPENSEARCH_ENDPOINT}/${index}/_source/${encodeURIComponent(id)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`OpenSearch GET /${index}/_source/${id}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Blocks or allows writes to the index, as an operator (or a full disk) does. */
export async function setWriteBlock(index: string, blocked: boolean): Promise<void> {
  await call('PUT', `/${index}/_settings`, { 'index.blocks.write': blocked });
}

/** Every document of the index by _id, as searchable now. */
export async function documents(index: string): Promise<Record<string, unknown>> {
  await call('POST', `/${index}/_refresh`);
  const result = (await call('POST', `/${index}/_search`, { size: 1_000, query: { match_all: {} } })) as {
    hits: { hits: Array<{ _id: string; _source: unknown }> };
  };
  return Object.fromEntries(result.hits.hits.map((hit) => [hit._id, hit._source]));
}
