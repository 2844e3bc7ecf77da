import { isDeepStrictEqual } from 'node:util';
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient, NoSuchEntityException, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DEFAULT_METRICS_NAMESPACE,
  TARGET_TYPE_NAMES,
  parseFailureStore,
  sourceKind,
  type SourceKind,
  type TargetConfig,
  type TargetTypeName,
} from '@fanout/runtime/config';
import { fanoutVariables, functionConfiguration, type Outcome } from '../aws/deployment.js';
import { functionMappings, mappingConsumer, mappingStreamArn } from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { PUBLISH_TO_TOPICS, SEND_TO_QUEUES } from '../targets/grants.js';
import { CONSOLE_TARGET_TYPES } from '../targets/registry.js';
import type { Grant, GrantStatement, TargetGrant } from '../targets/types.js';

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

/** What the types' grants looked up in AWS (see TargetGrant.lookUp), by type. */
export type FoundResources = Partial<Record<TargetTypeName, ReadonlyMap<string, string>>>;

export interface PolicyInputs {
  scope: FunctionScope;
  mappings: readonly MappingGrant[];
  targets: readonly TargetConfig[];
  /** What the types' grants need looked up (the domains of es targets whose host does not name them), as syncPolicy finds it. */
  found?: FoundResources;
}

const ASSUME_TARGET_ROLES: GrantStatement = { sid: 'AssumeTargetRoles', actions: ['sts:AssumeRole'] };
// failure stores: a queue is found by its name (GetQueueUrl) before the function sends to it; a
// topic gets sns:Publish as topic targets do; a bucket is written under failures/ only
const STORE_FAILURES_IN_QUEUES: GrantStatement = { sid: 'StoreFailuresInQueues', actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'] };
const STORE_FAILURES_IN_BUCKETS: GrantStatement = { sid: 'StoreFailuresInBuckets', actions: ['s3:PutObject'] };

/** The grants of the AWS types, by type. */
const TARGET_GRANTS = new Map<TargetTypeName, TargetGrant>(
  TARGET_TYPE_NAMES.flatMap((type) => {
    const { grant } = CONSOLE_TARGET_TYPES[type];
    return grant ? [[type, grant] as const] : [];
  }),
);

/** Every statement of a grant, in the order the policy lists them: assumed roles, each type's, then the failure stores'. */
const STATEMENT_ORDER: readonly GrantStatement[] = [
  ...new Set([ASSUME_TARGET_ROLES, ...[...TARGET_GRANTS.values()].flatMap((grant) => grant.statements), STORE_FAILURES_IN_QUEUES, STORE_FAILURES_IN_BUCKETS]),
];

/** The send right a target needs on its destination (its type's grant), or the right to assume its role; none for targets that are not AWS APIs. */
function targetGrant(target: TargetConfig, scope: FunctionScope, found: FoundResources): Grant | undefined {
  if (target.role) return { statement: ASSUME_TARGET_ROLES, resource: target.role };
  const place = { partition: scope.partition, accountId: scope.accountId, region: target.region ?? scope.region, found: found[target.type] ?? new Map() };
  return TARGET_GRANTS.get(target.type)?.grantOf(target, place);
}

/** Where the function writes the records a target could not take: a queue, a topic, or a bucket's failures/ prefix. */
function failureStoreGrant(arn: string): Grant | undefined {
  const store = parseFailureStore(arn);
  if (!store) return undefined;
  if (store.kind === 's3') return { statement: STORE_FAILURES_IN_BUCKETS, resource: `${arn}/failures/*` };
  return { statement: store.kind === 'sqs' ? STORE_FAILURES_IN_QUEUES : PUBLISH_TO_TOPICS, resource: arn };
}

/** The statements of an event source mapping's on-failure destination, by its service. */
const ON_FAILURE_STATEMENTS: Readonly<Record<string, GrantStatement>> = { sqs: SEND_TO_QUEUES, sns: PUBLISH_TO_TOPICS };

/** Lambda needs the execution role to send failed batches' descriptions to the on-failure destination. */
function onFailureGrant(destination: string): Grant | undefined {
  const statement = ON_FAILURE_STATEMENTS[destination.split(':')[2] ?? ''];
  return statement ? { statement, resource: destination } : undefined;
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
export function fanoutPolicy({ scope, mappings, targets, found = {} }: PolicyInputs): PolicyDocument {
  const logGroup = `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:/aws/lambda/${scope.functionName}`;
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
    ...targets.map((target) => targetGrant(target, scope, found)),
    ...mappings.map((mapping) => (mapping.onFailureDestination ? onFailureGrant(mapping.onFailureDestination) : undefined)),
    ...[scope.failureStore, ...targets.map((target) => target.onFailure)].map((store) => (store ? failureStoreGrant(store) : undefined)),
  ].filter((grant): grant is Grant => grant !== undefined);
  for (const statement of STATEMENT_ORDER) {
    const resources = sorted(grants.filter((grant) => grant.statement === statement).map((grant) => grant.resource));
    if (resources.length > 0) statements.push({ Sid: statement.sid, Effect: 'Allow', Action: [...statement.actions], Resource: resources });
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

/**
 * What the types' grants need looked up in AWS, for their targets without a role (a target with a
 * role gets sts:AssumeRole, and that role must grant the send itself); only the types with such
 * targets look anything up.
 */
async function foundResources(context: AwsContext, targets: readonly TargetConfig[], functionRegion: string): Promise<FoundResources> {
  const lookups = [...TARGET_GRANTS].flatMap(([type, { lookUp }]) => {
    const ofType = targets.filter((target) => target.type === type && !target.role);
    return lookUp && ofType.length > 0 ? [lookUp(context, ofType, functionRegion).then((found) => [type, found] as const)] : [];
  });
  return Object.fromEntries(await Promise.all(lookups));
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
  const found = await foundResources(context, targets, region!);
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
    found,
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
