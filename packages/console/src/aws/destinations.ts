import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ReplicationGroupNotFoundFault,
  type CacheCluster,
  type Endpoint,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { DescribeDeliveryStreamCommand, FirehoseClient, ResourceNotFoundException as DeliveryStreamNotFound } from '@aws-sdk/client-firehose';
import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import { DescribeStreamSummaryCommand, KinesisClient, ResourceNotFoundException as StreamNotFound } from '@aws-sdk/client-kinesis';
import { GetFunctionCommand, LambdaClient, ResourceNotFoundException as FunctionNotFound } from '@aws-sdk/client-lambda';
import { DescribeDomainCommand, OpenSearchClient, ResourceNotFoundException as DomainNotFound } from '@aws-sdk/client-opensearch';
import { GetTopicAttributesCommand, NotFoundException as TopicNotFound, SNSClient, paginateListTopics } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { TARGET_TYPES, type TargetTypeName } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import type { AwsSession, ClientScope } from './session.js';

/** Where destinations are looked for, when not in the caller's own account and region. */
export interface DestinationPlace {
  /** --destination-region. */
  region?: string | undefined;
  /** --destination-role-arn: destinations are looked up with this role's credentials. */
  role?: string | undefined;
  /** --external-id, for assuming `role`. */
  externalId?: string | undefined;
}

export interface DestinationRequest extends DestinationPlace {
  type: TargetTypeName;
  /** What the user typed for --destination: a name to look up, or the destination as stored. */
  destination: string;
  /** --index, for es. */
  index?: string | undefined;
}

/** The client scope of a place: its region (else `fallbackRegion`, else the session's) and the role's credentials. */
export function destinationScope(context: AwsContext, place: DestinationPlace): (fallbackRegion?: string) => ClientScope {
  const credentials = place.role ? context.aws.assumedRole(place.role, place.externalId) : undefined;
  return (fallbackRegion) => ({ region: place.region ?? fallbackRegion, credentials });
}

/**
 * The destination string a target row stores for what the user typed: a name is looked up and
 * resolved; an ARN, URL or endpoint is kept once AWS confirms it exists (where an API can tell).
 * The result always passes the runtime's own check of the row.
 */
export async function resolveDestination(context: AwsContext, request: DestinationRequest): Promise<string> {
  const destination = await RESOLVERS[request.type](lookupFor(context, request));
  storedForm(request.type, destination);
  return destination;
}

/** What a resolver needs: the request, and AWS as the destination's account sees it. */
interface Lookup {
  destination: string;
  index: string | undefined;
  aws: AwsSession;
  /**
   * Where the destination is: --destination-region, else the region the destination names itself,
   * else the session's (the order delivery uses); as the role when one is given.
   */
  scope(regionOfDestination?: string): ClientScope;
  /** The call's result; when the resource does not exist, the UsageError of `notFound`. */
  require<Result>(call: Promise<Result>, notFoundError: ErrorClass, missing: Missing): Promise<Result>;
  /** Throws the UsageError for a resource that does not exist, saying where it was looked for. */
  notFound(missing: Missing): Promise<never>;
}

/** What was not found, where it was looked for, and what the user can do. */
interface Missing {
  resource: string;
  scope: ClientScope;
  fix: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

function lookupFor(context: AwsContext, request: DestinationRequest): Lookup {
  const notFound = async ({ resource, scope, fix }: Missing): Promise<never> => {
    const region = scope.region ?? (await context.aws.region());
    const account = request.role ? accountOfArn(request.role) : await context.aws.accountId();
    throw new UsageError(`--destination: no ${resource} in ${region} (account ${account}); ${fix}`);
  };
  return {
    destination: request.destination,
    index: request.index,
    aws: context.aws,
    scope: destinationScope(context, request),
    require: async (call, notFoundError, missing) => (await ifExists(call, notFoundError)) ?? notFound(missing),
    notFound,
  };
}

type Resolver = (lookup: Lookup) => Promise<string>;

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;
const CACHE_ID = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
/** An OpenSearch endpoint rather than a domain name: a URL, or a host name with dots or a port. */
const ENDPOINT = /[.:]/;
/** A function name, partial ARN or ARN followed by a version or alias. */
const LAMBDA_QUALIFIER = /^(?:arn:[^:]+:lambda:[^:]+:\d{12}:function:|\d{12}:function:)?[^:]+:([^:]+)$/;
/** ElastiCache engines that speak the Redis protocol. */
export const REDIS_ENGINES = ['redis', 'valkey'];

const snsTopic: Resolver = async (lookup) => {
  const form = nameOrStored<{ region: string }>('sns', lookup.destination, { pattern: TOPIC_NAME, description: 'a topic name' });
  if ('stored' in form) {
    const scope = lookup.scope(form.stored.region);
    const sns = lookup.aws.client(SNSClient, scope);
    await lookup.require(sns.send(new GetTopicAttributesCommand({ TopicArn: lookup.destination })), TopicNotFound, {
      resource: `SNS topic ${named(lookup.destination)}`,
      scope,
      fix: fixFor(lookup.destination),
    });
    return lookup.destination;
  }
  const scope = lookup.scope();
  for await (const page of paginateListTopics({ client: lookup.aws.client(SNSClient, scope) }, {})) {
    const topicArn = page.Topics?.find(({ TopicArn }) => TopicArn?.split(':')[5] === form.name)?.TopicArn;
    if (topicArn) return topicArn;
  }
  return lookup.notFound({ resource: `SNS topic ${named(form.name)}`, scope, fix: fixFor(form.name) });
};

const QUEUE_ARN = /^arn:[^:]+:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

const sqsQueue: Resolver = async (lookup) => {
  // a queue's ARN, as the original fanout CLI took: the row holds its URL, which the SDK sends to
  const arn = QUEUE_ARN.exec(lookup.destination);
  if (arn) {
    const [, region, account, name] = arn;
    const scope = lookup.scope(region);
    const { QueueUrl } = await lookup.require(
      lookup.aws.client(SQSClient, scope).send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })),
      QueueDoesNotExist,
      { resource: `SQS queue ${lookup.destination}`, scope, fix: 'create it or check the ARN' },
    );
    return QueueUrl!;
  }
  const form = nameOrStored<{ region?: string }>('sqs', lookup.destination, { pattern: QUEUE_NAME, description: 'a queue name, a queue ARN' });
  const scope = lookup.scope('stored' in form ? form.stored.region : undefined);
  const sqs = lookup.aws.client(SQSClient, scope);
  if ('stored' in form) {
    await lookup.require(sqs.send(new GetQueueAttributesCommand({ QueueUrl: lookup.destination })), QueueDoesNotExist, {
      resource: `SQS queue ${lookup.destination}`,
      scope,
      fix: 'create it or check the URL',
    });
    return lookup.destination;
  }
  const { QueueUrl } = await lookup.require(sqs.send(new GetQueueUrlCommand({ QueueName: form.name })), QueueDoesNotExist, {
    resource: `SQS queue named "${form.name}"`,
    scope,
    fix: 'create it or pass its URL',
  });
  return QueueUrl!;
};

const kinesisStream: Resolver = async (lookup) => {
  const { streamName, streamArn, region } = storedForm<{ streamName: string; streamArn?: string; region?: string }>('kinesis', lookup.destination);
  const scope = lookup.scope(region);
  const kinesis = lookup.aws.client(KinesisClient, scope);
  const { StreamDescriptionSummary } = await lookup.require(
    kinesis.send(new DescribeStreamSummaryCommand(streamArn ? { StreamARN: streamArn } : { StreamName: streamName })),
    StreamNotFound,
    { resource: `Kinesis stream ${named(lookup.destination)}`, scope, fix: fixFor(lookup.destination) },
  );
  return StreamDescriptionSummary!.StreamARN!;
};

const firehoseDeliveryStream: Resolver = async (lookup) => {
  const { deliveryStreamName, region } = storedForm<{ deliveryStreamName: string; region?: string }>('firehose', lookup.destination);
  const scope = lookup.scope(region);
  const firehose = lookup.aws.client(FirehoseClient, scope);
  const { DeliveryStreamDescription } = await lookup.require(
    firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: deliveryStreamName })),
    DeliveryStreamNotFound,
    { resource: `Firehose delivery stream ${named(lookup.destination)}`, scope, fix: fixFor(lookup.destination) },
  );
  const found = DeliveryStreamDescription!.DeliveryStreamARN!;
  // Firehose addresses delivery streams by name only: delivery would go to the stream of that name in the caller's account
  if (isArn(lookup.destination) && found !== lookup.destination) {
    const account = accountOfArn(lookup.destination);
    throw new UsageError(`--destination: ${lookup.destination} is in account ${account}, but the lookup found ${found}; pass --destination-role-arn with a role of account ${account}`);
  }
  return found;
};

const lambdaFunction: Resolver = async (lookup) => {
  const { region } = storedForm<{ region?: string }>('lambda', lookup.destination);
  const scope = lookup.scope(region);
  const lambda = lookup.aws.client(LambdaClient, scope);
  const { Configuration } = await lookup.require(lambda.send(new GetFunctionCommand({ FunctionName: lookup.destination })), FunctionNotFound, {
    resource: `Lambda function ${named(lookup.destination)}`,
    scope,
    fix: fixFor(lookup.destination),
  });
  // the unqualified ARN with the version or alias the user chose, whatever GetFunction reports for it
  const functionArn = Configuration!.FunctionArn!.split(':').slice(0, 7).join(':');
  const qualifier = LAMBDA_QUALIFIER.exec(lookup.destination)?.[1];
  return qualifier ? `${functionArn}:${qualifier}` : functionArn;
};

const openSearchIndex: Resolver = async (lookup) => {
  const { destination, index } = lookup;
  if (destination.includes('#')) {
    if (index !== undefined) throw new UsageError('--index: the destination already names its index after #; drop --index or the #INDEX');
    return destination;
  }
  if (index === undefined) throw new UsageError('--index: required for es targets; name the OpenSearch index to write to');
  if (ENDPOINT.test(destination)) return `${destination}#${index}`;
  if (!DOMAIN_NAME.test(destination)) {
    throw new UsageError(`--destination: "${destination}" is neither an OpenSearch domain name nor an endpoint; expected a domain name, or ${TARGET_TYPES.es.destinationFormat}`);
  }
  const scope = lookup.scope();
  const opensearch = lookup.aws.client(OpenSearchClient, scope);
  const { DomainStatus } = await lookup.require(opensearch.send(new DescribeDomainCommand({ DomainName: destination })), DomainNotFound, {
    resource: `OpenSearch domain named "${destination}"`,
    scope,
    fix: 'create it or pass its endpoint URL',
  });
  const endpoint = DomainStatus!.Endpoint ?? DomainStatus!.Endpoints?.vpc;
  if (!endpoint) throw new UsageError(`--destination: OpenSearch domain "${destination}" has no endpoint yet; wait until it is created, or pass its endpoint URL`);
  return `https://${endpoint}#${index}`;
};

/** The account's IoT data endpoint (ATS), where iot targets publish. */
export async function iotDataEndpoint(aws: AwsSession, scope: ClientScope): Promise<string> {
  const { endpointAddress } = await aws.client(IoTClient, scope).send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  return endpointAddress!;
}

const iotTopic: Resolver = async (lookup) => {
  if (lookup.destination.includes('#')) return lookup.destination;
  return `${await iotDataEndpoint(lookup.aws, lookup.scope())}#${lookup.destination}`;
};

const redisServer: Resolver = async (lookup) => {
  const form = nameOrStored('redis', lookup.destination, { pattern: CACHE_ID, description: 'an ElastiCache replication group or cluster id' });
  if ('stored' in form) return lookup.destination;
  const scope = lookup.scope();
  const elasticache = lookup.aws.client(ElastiCacheClient, scope);
  const group = await ifExists(replicationGroup(elasticache, form.name), ReplicationGroupNotFoundFault);
  if (group) return primaryEndpointOf(group);
  const cluster = await lookup.require(cacheCluster(elasticache, form.name), CacheClusterNotFoundFault, {
    resource: `ElastiCache replication group or cluster "${form.name}"`,
    scope,
    fix: 'create it or pass host:port',
  });
  checkEngine(cluster, REDIS_ENGINES, 'redis', 'pass a redis cluster or replication group');
  if (!cluster.ReplicationGroupId) return withTls(cluster.TransitEncryptionEnabled, hostPort(nodeEndpointsOf(cluster)[0]!));
  // a member of a group may be a replica, which refuses writes: use the group's primary, wherever failover has put it
  const owner = await lookup.require(replicationGroup(elasticache, cluster.ReplicationGroupId), ReplicationGroupNotFoundFault, {
    resource: `ElastiCache replication group "${cluster.ReplicationGroupId}" (of cluster "${form.name}")`,
    scope,
    fix: 'pass host:port',
  });
  return primaryEndpointOf(owner);
};

const memcachedServers: Resolver = async (lookup) => {
  const form = nameOrStored('memcached', lookup.destination, { pattern: CACHE_ID, description: 'an ElastiCache cluster id' });
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
};

/** Checked by the runtime's parse of the result, like every type's destination. */
const httpUrl: Resolver = async (lookup) => lookup.destination;

const RESOLVERS: { readonly [Type in TargetTypeName]: Resolver } = {
  sns: snsTopic,
  sqs: sqsQueue,
  es: openSearchIndex,
  kinesis: kinesisStream,
  firehose: firehoseDeliveryStream,
  iot: iotTopic,
  lambda: lambdaFunction,
  redis: redisServer,
  memcached: memcachedServers,
  http: httpUrl,
};

/** The runtime's parse of a destination as stored; a UsageError with the runtime's reason and expected form when it does not parse. */
function storedForm<Parsed>(type: TargetTypeName, raw: string, otherForm?: string): Parsed {
  const target = TARGET_TYPES[type];
  try {
    return target.parseDestination(raw) as Parsed;
  } catch (error) {
    const expected = otherForm ? `${otherForm}, or ${target.destinationFormat}` : target.destinationFormat;
    throw new UsageError(`--destination: ${(error as Error).message}; expected ${expected}`);
  }
}

/** A name to look up when `raw` is one, else the destination as stored. */
function nameOrStored<Parsed>(
  type: TargetTypeName,
  raw: string,
  name: { pattern: RegExp; description: string },
): { name: string } | { stored: Parsed } {
  if (name.pattern.test(raw)) return { name: raw };
  return { stored: storedForm<Parsed>(type, raw, name.description) };
}

/** The call's result, or undefined when it fails because the resource does not exist. */
async function ifExists<Result>(call: Promise<Result>, notFound: ErrorClass): Promise<Result | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof notFound) return undefined;
    throw error;
  }
}

function isArn(raw: string): boolean {
  return raw.startsWith('arn:');
}

function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** How a message names a resource the user gave by name or by ARN. */
function named(raw: string): string {
  return isArn(raw) ? raw : `named "${raw}"`;
}

function fixFor(raw: string): string {
  return isArn(raw) ? 'create it or check the ARN' : 'create it or pass its ARN';
}

async function replicationGroup(elasticache: ElastiCacheClient, id: string): Promise<ReplicationGroup> {
  const { ReplicationGroups } = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }));
  return ReplicationGroups![0]!;
}

async function cacheCluster(elasticache: ElastiCacheClient, id: string): Promise<CacheCluster> {
  const { CacheClusters } = await elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
  return CacheClusters![0]!;
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

function nodeEndpointsOf(cluster: CacheCluster): Endpoint[] {
  const endpoints = (cluster.CacheNodes ?? []).flatMap(({ Endpoint }) => (Endpoint ? [Endpoint] : []));
  if (endpoints.length === 0) {
    throw new UsageError(
      `--destination: ElastiCache cluster "${cluster.CacheClusterId}" has no node endpoints yet (status ${cluster.CacheClusterStatus}); wait until it is available, or pass host:port`,
    );
  }
  return endpoints;
}

function checkEngine(cluster: CacheCluster, engines: readonly string[], type: TargetTypeName, fix: string): void {
  if (!engines.includes(cluster.Engine ?? '')) {
    throw new UsageError(`--destination: ElastiCache cluster "${cluster.CacheClusterId}" runs ${cluster.Engine}, not ${type}; ${fix}`);
  }
}

function hostPort(endpoint: Endpoint): string {
  return `${endpoint.Address}:${endpoint.Port}`;
}

/** A server that only takes TLS needs the rediss:// form. */
function withTls(transitEncryption: boolean | undefined, address: string): string {
  return transitEncryption ? `rediss://${address}` : address;
}
