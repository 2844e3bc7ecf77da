import { CacheClusterNotFoundFault, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CACHE_ID, cacheCluster, cacheClusters, checkEngine, hostPort, nodeEndpointsOf } from './elasticache.js';
import type { ConsoleTargetType } from './types.js';

export const memcachedTarget: ConsoleTargetType<false> = {
  title: 'Memcached',
  destinationHelp: 'an ElastiCache cluster id or host:port[,host:port]',
  async resolve(lookup) {
    const form = lookup.nameOrStored({ pattern: CACHE_ID, description: 'an ElastiCache cluster id' });
    if ('stored' in form) return lookup.destination;
    const scope = lookup.scope();
    const cluster = await lookup.require(cacheCluster(lookup.aws.client(ElastiCacheClient, scope), form.name), CacheClusterNotFoundFault, {
      resource: `ElastiCache cluster "${form.name}"`,
      scope,
      fix: 'create it or pass host:port',
    });
    checkEngine(cluster, ['memcached'], 'memcached', 'pass a memcached cluster');
    // every node rather than the configuration endpoint: the memcached client spreads keys over the servers it is given
    return nodeEndpointsOf(cluster).map(hostPort).join(',');
  },
  discover: async (aws, scope) =>
    (await cacheClusters(aws.client(ElastiCacheClient, scope)))
      .filter((cluster) => cluster.Engine === 'memcached')
      .map(({ CacheClusterId }) => ({ label: CacheClusterId!, value: CacheClusterId! })),
};
