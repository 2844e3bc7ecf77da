import { Client } from '@opensearch-project/opensearch';
import { afterAll, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/index.js';

const client = new Client({ node: inject('testbed').opensearch.endpoint });
afterAll(() => client.close());

it('OpenSearch indexes a document and finds it by search', async () => {
  const index = uniqueName('docs');
  const document = { title: 'fan-out to many targets', n: 42 };
  await client.index({ index, id: 'one', body: document, refresh: true });
  const { body } = await client.search({ index, body: { query: { match: { title: 'targets' } } } });
  expect(body.hits.hits.map((hit) => [hit._id, hit._source])).toEqual([['one', document]]);
});
