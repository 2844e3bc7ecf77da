import { isDeepStrictEqual } from 'node:util';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeDomainsCommand, ListDomainNamesCommand, OpenSearchClient, type DomainStatus } from '@aws-sdk/client-opensearch';
import { DEFAULT_METRICS_NAMESPACE, parseFailureStore, sourceKind, type SourceKind, type TargetConfig } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { fanoutVariables, functionConfiguration, type Outcome } from './deployment.js';
import { functionMappings, mappingConsumer, mappingStreamArn } from './mappings.js';
import type { Deployment } from './names.js';
import { TargetsTable } from './targets-table.js';

/** The one inline policy of the function's role that fanout writes and rewrites. */
export const POLICY_NAME = 'fanout';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** An event source mapping as the policy sees it: the stream read (through a consumer, when it says), and where failed batches go. */
export interface MappingGrant {
  sourceArn: string;
  /** The stream's enhanced fan-out consumer the mapping reads through. */
  consumerArn?: string | undefined;
  onFailureDestination?: string | undefined;
}

/** Where the function runs: the resources it needs are named from these. */
export interface FunctionScope {
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
  tableArn: string;
  /** The progress table the function's environment names (PROGRESS_TABLE); none for a function deployed before it had one. */
  progressTableArn?: string | undefined;
  /** The function's default failure store (FAILURE_STORE), by ARN. */
  failureStore?: string | undefined;
  inVpc: boolean;
}

/**
 * OpenSearch domains by the host of an endpoint that does not name its domain (a custom endpoint,
 * a VPC or dual-stack endpoint): host -> the domain's ARN as AWS reports it, with `/*`.
 */
export type DomainsByHost = ReadonlyMap<string, string>;

export interface PolicyInputs {
  scope: FunctionScope;
  mappings: readonly MappingGrant[];
  targets: readonly TargetConfig[];
  /** The domains of es targets whose host is not of AWS's `search-NAME-ID.REGION.es.amazonaws.com` form, as syncPolicy finds them. */
  domains?: DomainsByHost;
}

/** The kinds of grant, in the order their statements appear. */
const GRANTS = {
  assumeRole: { sid: 'AssumeTargetRoles', actions: ['sts:AssumeRole'] },
  sns: { sid: 'PublishToTopics', actions: ['sns:Publish'] },
  sqs: { sid: 'SendToQueues', actions: ['sqs:SendMessage'] },
  kinesis: { sid: 'PutToStreams', actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary'] },
  firehose: { sid: 'PutToDeliveryStreams', actions: ['firehose:PutRecordBatch'] },
  lambda: { sid: 'InvokeFunctions', actions: ['lambda:InvokeFunction'] },
  iot: { sid: 'PublishToIotTopics', actions: ['iot:Publish'] },
  es: { sid: 'PostToOpenSearchDomains', actions: ['es:ESHttpPost'] },
  // the collection's data access policy must also let the role write to the index: IAM alone is not enough
  aoss: { sid: 'UseOpenSearchCollections', actions: ['aoss:APIAccessAll'] },
  // failure stores: a queue is found by its name (GetQueueUrl) before the function sends to it; a
  // topic gets sns:Publish above; a bucket is written under failures/ only
  failureQueue: { sid: 'StoreFailuresInQueues', actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'] },
  failureBucket: { sid: 'StoreFailuresInBuckets', actions: ['s3:PutObject'] },
} as const;
type GrantKind = keyof typeof GRANTS;

interface Grant {
  kind: GrantKind;
  resource: string;
}

const REGION_IN_HOST = /(?:^|\.)([a-z]{2}(?:-[a-z]+)+-\d+)\./;
const AWS_SEARCH_DOMAIN_HOST = /^(?:search|vpc)-([a-z][a-z0-9-]*)-[a-z0-9]+\.([a-z0-9-]+)\.es\.amazonaws\.com(?:\.cn)?$/;
/** An OpenSearch Serverless collection's endpoint: COLLECTION_ID.REGION.aoss.amazonaws.com. */
const SERVERLESS_COLLECTION_HOST = /^([a-z0-9]+)\.([a-z0-9-]+)\.aoss\.amazonaws\.com(?:\.cn)?$/;

function arn(scope: FunctionScope, service: string, region: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${region}:${scope.accountId}:${resource}`;
}

/** An http(s) URL's host name, with `https://` assumed when the destination has no scheme. */
function hostOf(endpoint: string): string {
  return new URL(/^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`).hostname;
}

/** The host of an es target's endpoint (`https://ENDPOINT#INDEX`). */
function esHost(destination: string): string {
  return hostOf(destination.slice(0, destination.indexOf('#')));
}

/** The send right a target needs on its destination; none for targets that are not AWS APIs. */
function targetGrant(target: TargetConfig, scope: FunctionScope, domains: DomainsByHost): Grant | undefined {
  if (target.role) return { kind: 'assumeRole', resource: target.role };
  const region = target.region ?? scope.region;
  const { destination } = target;
  const arnOr = (build: () => string) => (destination.startsWith('arn:') ? destination : build());
  switch (target.type) {
    case 'sns':
      return { kind: 'sns', resource: destination };
    case 'sqs': {
      const url = new URL(destination);
      const [, account, queue] = url.pathname.split('/');
      return { kind: 'sqs', resource: `arn:${scope.partition}:sqs:${REGION_IN_HOST.exec(url.hostname)?.[1] ?? region}:${account}:${queue}` };
    }
    case 'kinesis':
      return { kind: 'kinesis', resource: arnOr(() => arn(scope, 'kinesis', region, `stream/${destination}`)) };
    case 'firehose':
      return { kind: 'firehose', resource: arnOr(() => arn(scope, 'firehose', region, `deliverystream/${destination}`)) };
    case 'lambda': {
      const partial = /^(\d{12}):function:(.+)$/.exec(destination);
      const resource = partial
        ? `arn:${scope.partition}:lambda:${region}:${partial[1]}:function:${partial[2]}`
        : arnOr(() => arn(scope, 'lambda', region, `function:${destination}`));
      return { kind: 'lambda', resource };
    }
    case 'iot': {
      const separator = destination.indexOf('#');
      const endpointRegion = REGION_IN_HOST.exec(hostOf(destination.slice(0, separator)))?.[1];
      return { kind: 'iot', resource: arn(scope, 'iot', endpointRegion ?? region, `topic/${destination.slice(separator + 1)}`) };
    }
    case 'es': {
      const host = esHost(destination);
      const collection = SERVERLESS_COLLECTION_HOST.exec(host);
      if (collection) return { kind: 'aoss', resource: arn(scope, 'aoss', collection[2]!, `collection/${collection[1]}`) };
      const domain = AWS_SEARCH_DOMAIN_HOST.exec(host);
      if (domain) return { kind: 'es', resource: arn(scope, 'es', domain[2]!, `domain/${domain[1]}/*`) };
      // any other host is granted only as the endpoint of a domain found; an OpenSearch outside the
      // service (self-managed) checks no IAM signature, so it needs no grant and gets none
      const resource = domains.get(host);
      return resource ? { kind: 'es', resource } : undefined;
    }
    case 'redis':
    case 'memcached':
    case 'http':
      return undefined;
  }
}

/** Where the function writes the records a target could not take: a queue, a topic, or a bucket's failures/ prefix. */
function failureStoreGrant(arn: string): Grant | undefined {
  const store = parseFailureStore(arn);
  if (!store) return undefined;
  if (store.kind === 's3') return { kind: 'failureBucket', resource: `${arn}/failures/*` };
  return { kind: store.kind === 'sqs' ? 'failureQueue' : 'sns', resource: arn };
}

/** Lambda needs the execution role to send failed batches' descriptions to the on-failure destination. */
function onFailureGrant(destination: string): Grant | undefined {
  const service = destination.split(':')[2];
  return service === 'sqs' || service === 'sns' ? { kind: service, resource: destination } : undefined;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * The least-privilege policy of the fanout function: read its targets table, keep per-target
 * progress and state in its progress table, read exactly the streams it is hooked to, write its
 * own logs and metrics, send to exactly the destinations of the valid targets in the table (or
 * assume the role a target names instead), and write to the failure stores: the function's, and
 * each valid target's own.
 */
export function fanoutPolicy({ scope, mappings, targets, domains = new Map() }: PolicyInputs): PolicyDocument {
  const logGroup = arn(scope, 'logs', scope.region, `log-group:/aws/lambda/${scope.functionName}`);
  const statements: PolicyStatement[] = [
    { Sid: 'ReadTargets', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: [scope.tableArn] },
    ...(scope.progressTableArn
      ? [
          {
            Sid: 'TrackProgress',
            Effect: 'Allow' as const,
            Action: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
            Resource: [scope.progressTableArn],
          },
        ]
      : []),
    {
      Sid: 'WriteLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [logGroup, `${logGroup}:*`],
    },
    {
      Sid: 'PutMetrics',
      Effect: 'Allow',
      Action: ['cloudwatch:PutMetricData'],
      Resource: ['*'],
      // for METRICS_OUTPUT=api (in Lambda the function's metrics are log lines in the embedded metric format); deploy does not set METRICS_NAMESPACE: the runtime's default
      Condition: { StringEquals: { 'cloudwatch:namespace': DEFAULT_METRICS_NAMESPACE } },
    },
  ];

  const sourcesOf = (kind: SourceKind) => sorted(mappings.filter((mapping) => sourceKind(mapping.sourceArn) === kind).map((mapping) => mapping.sourceArn));
  const kinesisSources = sourcesOf('kinesis');
  const dynamodbSources = sourcesOf('dynamodb');
  if (kinesisSources.length > 0) {
    statements.push(
      {
        Sid: 'ReadKinesisSources',
        Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Resource: kinesisSources,
      },
      { Sid: 'ListKinesisStreams', Effect: 'Allow', Action: ['kinesis:ListStreams'], Resource: ['*'] },
    );
    // enhanced fan-out: Lambda subscribes to the shards through the consumer, as well as reading the stream above
    const consumers = sorted(mappings.flatMap((mapping) => (mapping.consumerArn ? [mapping.consumerArn] : [])));
    if (consumers.length > 0) {
      statements.push({ Sid: 'ReadKinesisConsumers', Effect: 'Allow', Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'], Resource: consumers });
    }
  }
  if (dynamodbSources.length > 0) {
    statements.push(
      {
        Sid: 'ReadDynamoDBSources',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: dynamodbSources,
      },
      { Sid: 'ListDynamoDBStreams', Effect: 'Allow', Action: ['dynamodb:ListStreams'], Resource: ['*'] },
    );
  }

  const grants = [
    ...targets.map((target) => targetGrant(target, scope, domains)),
    ...mappings.map((mapping) => (mapping.onFailureDestination ? onFailureGrant(mapping.onFailureDestination) : undefined)),
    ...[scope.failureStore, ...targets.map((target) => target.onFailure)].map((store) => (store ? failureStoreGrant(store) : undefined)),
  ].filter((grant): grant is Grant => grant !== undefined);
  for (const [kind, { sid, actions }] of Object.entries(GRANTS) as Array<[GrantKind, (typeof GRANTS)[GrantKind]]>) {
    const resources = sorted(grants.filter((grant) => grant.kind === kind).map((grant) => grant.resource));
    if (resources.length > 0) statements.push({ Sid: sid, Effect: 'Allow', Action: [...actions], Resource: resources });
  }

  if (scope.inVpc) {
    statements.push({
      Sid: 'UseVpcNetworkInterfaces',
      Effect: 'Allow',
      // what AWSLambdaVPCAccessExecutionRole grants; these actions take no narrower resource when Lambda calls them
      Action: [
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
      ],
      Resource: ['*'],
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

const TABLE_ARN = /^arn:([a-z-]+):dynamodb:([a-z0-9-]+):(\d{12}):table\//;

async function tableArnOf(context: AwsContext, tableName: string): Promise<string> {
  try {
    const { Table } = await context.aws.client(DynamoDBClient).send(new DescribeTableCommand({ TableName: tableName }));
    return Table!.TableArn!;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new NotFoundError(`--table: no table ${tableName}; run fanout-console deploy first, or pass --table`);
    throw error;
  }
}

async function currentPolicy(iam: IAMClient, roleName: string): Promise<unknown> {
  try {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: POLICY_NAME }));
    return PolicyDocument ? JSON.parse(decodeURIComponent(PolicyDocument)) : undefined;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return undefined;
    throw error;
  }
}

/** AWS's DescribeDomains takes at most 5 domain names a call (its API model states no maximum, and moto enforces none). */
const DESCRIBE_DOMAINS_MAX_NAMES = 5;

/** Every host a domain answers on: its endpoint, its VPC and dual-stack endpoints, and its custom endpoint when enabled. */
function domainHosts(status: DomainStatus): string[] {
  const { CustomEndpoint, CustomEndpointEnabled } = status.DomainEndpointOptions ?? {};
  return [status.Endpoint, status.EndpointV2, ...Object.values(status.Endpoints ?? {}), CustomEndpointEnabled ? CustomEndpoint : undefined]
    .filter((endpoint): endpoint is string => Boolean(endpoint))
    .map(hostOf);
}

/** The domains of one region that answer on some of these hosts: host -> `ARN/*`. */
async function domainsOfRegion(context: AwsContext, region: string, hosts: ReadonlySet<string>): Promise<Map<string, string>> {
  const opensearch = context.aws.client(OpenSearchClient, { region });
  // a console user who may not list domains still registers and hooks: those targets get no grant, as a self-managed node's
  const listed = await opensearch.send(new ListDomainNamesCommand({})).catch((error: unknown) => {
    if ((error as Error).name === 'AccessDeniedException') return { DomainNames: [] };
    throw error;
  });
  const { DomainNames } = listed;
  const names = (DomainNames ?? []).flatMap(({ DomainName }) => (DomainName ? [DomainName] : []));
  const found = new Map<string, string>();
  for (let start = 0; start < names.length && found.size < hosts.size; start += DESCRIBE_DOMAINS_MAX_NAMES) {
    const { DomainStatusList } = await opensearch.send(new DescribeDomainsCommand({ DomainNames: names.slice(start, start + DESCRIBE_DOMAINS_MAX_NAMES) }));
    for (const status of DomainStatusList ?? []) {
      for (const host of domainHosts(status)) if (hosts.has(host) && status.ARN) found.set(host, `${status.ARN}/*`);
    }
  }
  return found;
}

/**
 * The domains behind the es targets whose host does not name its domain, looked up in each
 * target's region (else the function's), once per region, and only when some target needs it.
 * A target with a role is left out: it gets sts:AssumeRole, and that role must grant es itself.
 */
async function domainsByHost(context: AwsContext, targets: readonly TargetConfig[], functionRegion: string): Promise<DomainsByHost> {
  const hostsByRegion = new Map<string, Set<string>>();
  for (const target of targets) {
    if (target.type !== 'es' || target.role) continue;
    const host = esHost(target.destination);
    if (AWS_SEARCH_DOMAIN_HOST.test(host) || SERVERLESS_COLLECTION_HOST.test(host)) continue;
    const region = target.region ?? functionRegion;
    hostsByRegion.set(region, (hostsByRegion.get(region) ?? new Set()).add(host));
  }
  const found = await Promise.all([...hostsByRegion].map(([region, hosts]) => domainsOfRegion(context, region, hosts)));
  return new Map(found.flatMap((domains) => [...domains]));
}

/**
 * Rewrites the inline policy of the function's role (the role the function has, else the
 * deployment's) from the table, the function's event source mappings and every valid target row.
 * `pending` is a mapping about to be created or changed: Lambda checks that the role can read the
 * stream (and send to the on-failure destination) before it accepts the mapping.
 * Returns `absent` when there is no role to write to.
 */
export async function syncPolicy(context: AwsContext, deployment: Deployment, pending?: MappingGrant): Promise<Outcome> {
  const tableArn = await tableArnOf(context, deployment.tableName);
  const [, partition, region, accountId] = TABLE_ARN.exec(tableArn)!;
  const configuration = await functionConfiguration(context, deployment.functionName);
  const roleName = configuration?.Role?.split('/').pop() ?? deployment.roleName;
  const mappings: MappingGrant[] = (configuration ? await functionMappings(context, deployment.functionName) : [])
    .filter((mapping) => mappingStreamArn(mapping) !== pending?.sourceArn)
    .map((mapping) => ({
      sourceArn: mappingStreamArn(mapping),
      consumerArn: mappingConsumer(mapping)?.arn,
      onFailureDestination: mapping.DestinationConfig?.OnFailure?.Destination,
    }));
  if (pending) mappings.push(pending);
  const targets = (await new TargetsTable(context, deployment.tableName).list()).flatMap((stored) => (stored.target ? [stored.target] : []));
  const domains = await domainsByHost(context, targets, region!);
  const { progressTable, failureStore } = fanoutVariables(configuration);

  const policy = fanoutPolicy({
    scope: {
      partition: partition!,
      region: region!,
      accountId: accountId!,
      functionName: deployment.functionName,
      tableArn,
      progressTableArn: progressTable ? `arn:${partition}:dynamodb:${region}:${accountId}:table/${progressTable}` : undefined,
      failureStore,
      inVpc: (configuration?.VpcConfig?.SubnetIds ?? []).length > 0,
    },
    mappings,
    targets,
    domains,
  });
  const iam = context.aws.client(IAMClient);
  const current = await currentPolicy(iam, roleName);
  if (isDeepStrictEqual(current, policy)) return 'unchanged';
  try {
    await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: POLICY_NAME, PolicyDocument: JSON.stringify(policy) }));
  } catch (error) {
    if (error instanceof NoSuchEntityException) return 'absent';
    throw error;
  }
  return current === undefined ? 'created' : 'updated';
}
