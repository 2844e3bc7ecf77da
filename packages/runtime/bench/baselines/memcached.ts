import memjs from 'memjs';
import { MEMCACHED_MAX_BATCH_COMMANDS } from '../../src/targets/memcached/index.js';
import { groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const memcached = memjs.Client.create(to.memcachedServers, { retries: 1 });
  return async (event) => {
    await inFlight(groups(itemsOf(event), () => 0, MEMCACHED_MAX_BATCH_COMMANDS, Number.MAX_SAFE_INTEGER), (batch) =>
      Promise.all(batch.map((item) => memcached.set(item.record.kinesis.partitionKey, item.data))),
    );
  };
};
