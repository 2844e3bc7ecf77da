import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { cacheClusters, cacheIdOf, hostPort, nodeEndpointsOf, requireCluster } from './elasticache.js';
import type { ConsoleTargetType } from './types.js';

export const memcachedTarget: ConsoleTargetType<false> = {
  title: 'Memcached',
  destinationHelp: 'an ElastiCache cluster id or host:port[,host:port]',
  async resolve(lookup) {
    const named = cacheIdOf(lookup, 'an ElastiCache cluster id');
    if (!named) return lookup.destination;
    const cluster = await requireCluster(lookup, named, {
      resource: `ElastiCache cluster "${named.id}"`,
      engines: ['memcached'],
      type: 'memcached',
      otherEngineFix: 'pass a memcached cluster',
    });
    // every node rather than the configuration endpoint: the memcached client spreads keys over the servers it is given
    return nodeEndpointsOf(cluster).map(hostPort).join(',');
  },
  discover: async (aws, scope) =>
    (await cacheClusters(aws.client(ElastiCacheClient, scope)))
      .filter((cluster) => cluster.Engine === 'memcached')
      .map(({ CacheClusterId }) => ({ label: CacheClusterId!, value: CacheClusterId! })),
};
