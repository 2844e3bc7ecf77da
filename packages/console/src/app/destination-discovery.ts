import { ElastiCacheClient, paginateDescribeCacheClusters, paginateDescribeReplicationGroups, type CacheCluster } from '@aws-sdk/client-elasticache';
import { FirehoseClient, ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import { LambdaClient, paginateListFunctions } from '@aws-sdk/client-lambda';
import { ListDomainNamesCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { SNSClient, paginateListTopics } from '@aws-sdk/client-sns';
import { SQSClient, paginateListQueues } from '@aws-sdk/client-sqs';
import type { TargetTypeName } from '@fanout/runtime/config';
import { REDIS_ENGINES, destinationScope, iotDataEndpoint, type DestinationPlace } from '../aws/destinations.js';
import type { AwsSession, ClientScope } from '../aws/session.js';
import { listKinesisStreams } from '../aws/sources.js';
import type { AwsContext } from '../context.js';

export interface DestinationChoice {
  /** What to show: the resource's name. */
  label: string;
  /** What registerTarget (and --destination) takes as the destination. */
  value: string;
}

/**
 * The resources a target of `type` can deliver to, in the place given (else the session's account
 * and region), every page of them, sorted by label. The value is a topic ARN, a queue URL, a stream
 * ARN, a delivery stream name (Direct PUT ones only: the others refuse records), an OpenSearch
 * domain name (registerTarget needs its index beside it), a function ARN, or an ElastiCache
 * replication group or cluster id. For iot it is the account's data endpoint, and the destination
 * is `${value}#${topic}`. http has no resources to list.
 */
export async function discoverDestinations(context: AwsContext, type: TargetTypeName, place: DestinationPlace = {}): Promise<DestinationChoice[]> {
  const choices = await LISTERS[type](context.aws, destinationScope(context, place)());
  return choices.sort((a, b) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
}

type Lister = (aws: AwsSession, scope: ClientScope) => Promise<DestinationChoice[]>;

async function fromPages<Page>(pages: AsyncIterable<Page>, choicesOf: (page: Page) => DestinationChoice[]): Promise<DestinationChoice[]> {
  const choices: DestinationChoice[] = [];
  for await (const page of pages) choices.push(...choicesOf(page));
  return choices;
}

const topics: Lister = (aws, scope) =>
  fromPages(paginateListTopics({ client: aws.client(SNSClient, scope) }, {}), (page) =>
    (page.Topics ?? []).map(({ TopicArn }) => ({ label: TopicArn!.split(':')[5]!, value: TopicArn! })),
  );

// without MaxResults, ListQueues returns the first 1,000 queues and no token for the rest
const queues: Lister = (aws, scope) =>
  fromPages(paginateListQueues({ client: aws.client(SQSClient, scope) }, { MaxResults: 1000 }), (page) =>
    (page.QueueUrls ?? []).map((url) => ({ label: url.split('/').pop()!, value: url })),
  );

const streams: Lister = async (aws, scope) => (await listKinesisStreams(aws, scope)).map(({ name, arn }) => ({ label: name, value: arn }));

/** ListDeliveryStreams has no token: each page starts after the last name of the one before. */
const deliveryStreams: Lister = async (aws, scope) => {
  const firehose = aws.client(FirehoseClient, scope);
  const names: string[] = [];
  for (;;) {
    const page = await firehose.send(new ListDeliveryStreamsCommand({ DeliveryStreamType: 'DirectPut', ExclusiveStartDeliveryStreamName: names.at(-1) }));
    const found = page.DeliveryStreamNames ?? [];
    names.push(...found);
    if (!page.HasMoreDeliveryStreams || found.length === 0) return names.map((name) => ({ label: name, value: name }));
  }
};

/** ListDomainNames answers every domain at once. */
const domains: Lister = async (aws, scope) => {
  const { DomainNames } = await aws.client(OpenSearchClient, scope).send(new ListDomainNamesCommand({}));
  return (DomainNames ?? []).map(({ DomainName }) => ({ label: DomainName!, value: DomainName! }));
};

const functions: Lister = (aws, scope) =>
  fromPages(paginateListFunctions({ client: aws.client(LambdaClient, scope) }, {}), (page) =>
    (page.Functions ?? []).map(({ FunctionName, FunctionArn }) => ({ label: FunctionName!, value: FunctionArn! })),
  );

const iotEndpoint: Lister = async (aws, scope) => {
  const endpoint = await iotDataEndpoint(aws, scope);
  return [{ label: endpoint, value: endpoint }];
};

async function cacheClusters(elasticache: ElastiCacheClient): Promise<CacheCluster[]> {
  const clusters: CacheCluster[] = [];
  for await (const page of paginateDescribeCacheClusters({ client: elasticache }, {})) clusters.push(...(page.CacheClusters ?? []));
  return clusters;
}

/**
 * Replication groups and the clusters outside them: a member of a group is reached through its
 * group. Groups in cluster mode are left out: the redis target talks to one primary.
 */
const redisServers: Lister = async (aws, scope) => {
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
};

const memcachedClusters: Lister = async (aws, scope) =>
  (await cacheClusters(aws.client(ElastiCacheClient, scope)))
    .filter((cluster) => cluster.Engine === 'memcached')
    .map(({ CacheClusterId }) => ({ label: CacheClusterId!, value: CacheClusterId! }));

const LISTERS: { readonly [Type in TargetTypeName]: Lister } = {
  sns: topics,
  sqs: queues,
  es: domains,
  kinesis: streams,
  firehose: deliveryStreams,
  iot: iotEndpoint,
  lambda: functions,
  redis: redisServers,
  memcached: memcachedClusters,
  http: async () => [],
};
