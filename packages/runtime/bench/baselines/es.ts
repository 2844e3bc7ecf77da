import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { ES_MAX_BULK_ACTIONS, ES_MAX_BULK_BYTES } from '../../src/targets/es/index.js';
import { groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const client = new Client({ ...AwsSigv4Signer({ region: 'us-east-1', service: 'es' }), node: to.aws, maxRetries: 0 });
  return async (event) => {
    const actions = itemsOf(event).map((item) => Buffer.from(`{"index":{"_id":"${item.record.kinesis.sequenceNumber}"}}\n${item.data.toString('utf8')}\n`));
    await inFlight(groups(actions, (action) => action.length, ES_MAX_BULK_ACTIONS, ES_MAX_BULK_BYTES), (bulk) =>
      client.transport.request({ method: 'POST', path: `/${to.esIndex}/_bulk`, bulkBody: Buffer.concat(bulk) }),
    );
  };
};
