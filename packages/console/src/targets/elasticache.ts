/** What the redis and memcached types share: ElastiCache's clusters and replication groups, and their endpoints. */
import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  paginateDescribeCacheClusters,
  type CacheCluster,
  type ElastiCacheClient,
  type Endpoint,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { TargetTypeName } from '@fanout/runtime/config';
import { UsageError } from '../errors.js';

export async function replicationGroup(elasticache: ElastiCacheClient, id: string): Promise<ReplicationGroup> {
  const { ReplicationGroups } = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return ReplicationGroups![0]!;
}

export async function cacheCluster(elasticache: ElastiCacheClient, id: string): Promise<CacheCluster> {
  const { CacheClusters } = await elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
  return CacheClusters![0]!;
}

export async function cacheClusters(elasticache: ElastiCacheClient): Promise<CacheCluster[]> {
  const clusters: CacheCluster[] = [];
  for await (const page of paginateDescribeCacheClusters({ client: elasticache }, {})) clusters.push(...(page.CacheClusters ?? []));
  return clusters;
}

export function nodeEndpointsOf(cluster: CacheCluster): Endpoint[] {
  const endpoints = (cluster.CacheNodes ?? []).flatMap(({ Endpoint }) => (Endpoint ? [Endpoint] : []));
  if (endpoints.length === 0) {
    throw new UsageError(
      `--destination: ElastiCache cluster "${cluster.CacheClusterId}" has no node endpoints yet (status ${cluster.CacheClusterStatus}); wait until it is available, or pass host:port`,
    );
  }
  return endpoints;
}

export function checkEngine(cluster: CacheCluster, engines: readonly string[], type: TargetTypeName, fix: string): void {
  if (!engines.includes(cluster.Engine ?? '')) {
    throw new UsageError(`--destination: ElastiCache cluster "${cluster.CacheClusterId}" runs ${cluster.Engine}, not ${type}; ${fix}`);
  }
}

export function hostPort(endpoint: Endpoint): string {
  return `${endpoint.Address}:${endpoint.Port}`;
}

/** An ElastiCache cluster or group id, as --destination takes it instead of host:port. */
export const CACHE_ID = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
