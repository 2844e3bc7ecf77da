import { ElastiCacheClient, ReplicationGroupNotFoundFault, paginateDescribeReplicationGroups, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { UsageError } from '../errors.js';
import { cacheClusters, cacheIdOf, hostPort, nodeEndpointsOf, replicationGroup, requireCluster } from './elasticache.js';
import { fromPages, ifExists } from './lookup.js';
import type { ConsoleTargetType } from './types.js';

/** ElastiCache engines that speak the Redis protocol. */
const REDIS_ENGINES = ['redis', 'valkey'];

/** A server that only takes TLS needs the rediss:// form. */
function withTls(transitEncryption: boolean | undefined, address: string): string {
  return transitEncryption ? `rediss://${address}` : address;
}

/** The primary's endpoint: the redis target talks to one server, so a group sharded in cluster mode is refused. */
function primaryEndpointOf(group: ReplicationGroup): string {
  const id = group.ReplicationGroupId;
  if (group.ClusterEnabled) {
    throw new UsageError(`--destination: replication group "${id}" runs in cluster mode, which the redis target does not support; use a group with cluster mode disabled`);
  }
  const primary = group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (!primary) throw new UsageError(`--destination: replication group "${id}" has no primary endpoint yet (status ${group.Status}); wait until it is available`);
  return withTls(group.TransitEncryptionEnabled, hostPort(primary));
}

export const redisTarget: ConsoleTargetType<false> = {
  title: 'Redis',
  destinationHelp: 'an ElastiCache cluster id, host:port or a redis:// URL',
  async resolve(lookup) {
    const named = cacheIdOf(lookup, 'an ElastiCache replication group or cluster id');
    if (!named) return lookup.destination;
    const { id, scope, elasticache } = named;
    const group = await ifExists(replicationGroup(elasticache, id), ReplicationGroupNotFoundFault);
    if (group) return primaryEndpointOf(group);
    const cluster = await requireCluster(lookup, named, {
      resource: `ElastiCache replication group or cluster "${id}"`,
      engines: REDIS_ENGINES,
      type: 'redis',
      otherEngineFix: 'pass a redis cluster or replication group',
    });
    if (!cluster.ReplicationGroupId) return withTls(cluster.TransitEncryptionEnabled, hostPort(nodeEndpointsOf(cluster)[0]!));
    // a member of a group may be a replica, which refuses writes: use the group's primary, wherever failover has put it
    const owner = await lookup.require(replicationGroup(elasticache, cluster.ReplicationGroupId), ReplicationGroupNotFoundFault, {
      resource: `ElastiCache replication group "${cluster.ReplicationGroupId}" (of cluster "${id}")`,
      scope,
      fix: 'pass host:port',
    });
    return primaryEndpointOf(owner);
  },
  /**
   * Replication groups and the clusters outside them: a member of a group is reached through its
   * group. Groups in cluster mode are left out: the redis target talks to one primary.
   */
  async discover(aws, scope) {
    const elasticache = aws.client(ElastiCacheClient, scope);
    const [groups, clusters] = await Promise.all([
      fromPages(paginateDescribeReplicationGroups({ client: elasticache }, {}), (page) =>
        (page.ReplicationGroups ?? []).filter((group) => !group.ClusterEnabled).map(({ ReplicationGroupId }) => ({ label: ReplicationGroupId!, value: ReplicationGroupId! })),
      ),
      cacheClusters(elasticache),
    ]);
    const standalone = clusters
      .filter((cluster) => REDIS_ENGINES.includes(cluster.Engine ?? '') && !cluster.ReplicationGroupId)
      .map(({ CacheClusterId }) => ({ label: CacheClusterId!, value: CacheClusterId! }));
    return [...groups, ...standalone];
  },
};
