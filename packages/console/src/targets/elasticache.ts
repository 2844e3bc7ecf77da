/** What the redis and memcached types share: ElastiCache's clusters and replication groups, and their endpoints. */
import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  paginateDescribeCacheClusters,
  ElastiCacheClient,
  type CacheCluster,
  type Endpoint,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { TargetTypeName } from '@fanout/runtime/config';
import type { ClientScope } from '../aws/session.js';
import { UsageError } from '../errors.js';
import type { Lookup } from './types.js';

/** An ElastiCache cluster or group id, as --destination takes it instead of host:port. */
const CACHE_ID = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

export async function replicationGroup(elasticache: ElastiCacheClient, id: string): Promise<ReplicationGroup> {
  const { ReplicationGroups } = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return ReplicationGroups![0]!;
}

async function cacheCluster(elasticache: ElastiCacheClient, id: string): Promise<CacheCluster> {
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

/** An ElastiCache id the user typed, and where to look it up. */
export interface CacheId {
  id: string;
  scope: ClientScope;
  elasticache: ElastiCacheClient;
}

/** The ElastiCache id the destination is, with the client of its place; undefined for a destination as stored (host:port, a URL). */
export function cacheIdOf(lookup: Lookup, description: string): CacheId | undefined {
  const form = lookup.nameOrStored({ pattern: CACHE_ID, description });
  if ('stored' in form) return undefined;
  const scope = lookup.scope();
  return { id: form.name, scope, elasticache: lookup.aws.client(ElastiCacheClient, scope) };
}

/** The cluster of that id, which must exist and run one of the type's engines (else a UsageError naming `resource`, or saying what it runs). */
export async function requireCluster(
  lookup: Lookup,
  { id, scope, elasticache }: CacheId,
  wanted: { resource: string; engines: readonly string[]; type: TargetTypeName; otherEngineFix: string },
): Promise<CacheCluster> {
  const cluster = await lookup.require(cacheCluster(elasticache, id), CacheClusterNotFoundFault, { resource: wanted.resource, scope, fix: 'create it or pass host:port' });
  if (!wanted.engines.includes(cluster.Engine ?? '')) {
    throw new UsageError(`--destination: ElastiCache cluster "${cluster.CacheClusterId}" runs ${cluster.Engine}, not ${wanted.type}; ${wanted.otherEngineFix}`);
  }
  return cluster;
}

export function hostPort(endpoint: Endpoint): string {
  return `${endpoint.Address}:${endpoint.Port}`;
}
