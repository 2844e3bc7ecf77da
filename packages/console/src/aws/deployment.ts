import { createHash } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException as TableNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException as FunctionNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import {
  DEFAULT_CONFIG_TTL_SECONDS,
  DEFAULT_LAMBDA_NODE_RUNTIME,
  DEFAULT_METRICS_NAMESPACE,
  ENVIRONMENT,
  LAMBDA_NODE_RUNTIMES,
  PROGRESS_TABLE_KEY,
  PROGRESS_TTL_ATTRIBUTE,
  TARGETS_TABLE_KEY,
  stringKeySchema,
  type LambdaNodeRuntime,
} from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { retryWhileIamPropagates } from './iam-propagation.js';
import type { Deployment } from './names.js';

export type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

/** One thing a deployment command did, for its report. */
export interface Step {
  resource: 'role' | 'table' | 'progress-table' | 'failure-store' | 'function' | 'policy' | 'mapping' | 'consumer';
  name: string;
  outcome: Outcome;
  arn?: string | undefined;
}

/** The handler inside the runtime's zip (its build names the file index.js). */
export const HANDLER = 'index.handler';
/** A function's settings when deploy creates it and the flags do not say otherwise (memory and timeout as the original fanout CLI has them). */
export const FUNCTION_DEFAULTS = { runtime: DEFAULT_LAMBDA_NODE_RUNTIME, memory: 128, timeout: 30 };

const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Polling the waiters do: tables and functions settle in seconds; the SDK's defaults wait up to 20 s between looks. */
const WAIT = { maxWaitTime: 300, minDelay: 1, maxDelay: 5 };

function isNotFound(error: unknown): boolean {
  return error instanceof NoSuchEntityException || error instanceof TableNotFoundException || error instanceof FunctionNotFoundException;
}

/** Runs a deletion; a resource that is not there is reported `absent`. */
async function deletion(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    await action();
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    throw error;
  }
}

export async function ensureRole(context: AwsContext, roleName: string): Promise<Step> {
  const iam = context.aws.client(IAMClient);
  try {
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return { resource: 'role', name: roleName, outcome: 'unchanged', arn: Role!.Arn };
  } catch (error) {
    if (!(error instanceof NoSuchEntityException)) throw error;
  }
  const { Role } = await iam.send(
    new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY, Description: 'The fanout function\'s execution role' }),
  );
  return { resource: 'role', name: roleName, outcome: 'created', arn: Role!.Arn };
}

export async function describeTable(context: AwsContext, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await context.aws.client(DynamoDBClient).send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof TableNotFoundException) return undefined;
    throw error;
  }
}

/** A table's string keys: a hash key and a range key. */
interface TableKeys {
  partition: string;
  sort: string;
}

function hasKeys(table: TableDescription, { partition, sort }: TableKeys): boolean {
  const keys = Object.fromEntries((table.KeySchema ?? []).map((key) => [key.AttributeName, key.KeyType]));
  return Object.keys(keys).length === 2 && keys[partition] === 'HASH' && keys[sort] === 'RANGE';
}

/**
 * A table of the deployment with these string keys, billed per request, created when missing and
 * refused (on `flag`) when it exists with other keys. Returns once it is ACTIVE.
 */
async function ensureKeyedTable(context: AwsContext, tableName: string, keys: TableKeys, flag: string, kind: string): Promise<{ table: TableDescription; created: boolean }> {
  const dynamodb = context.aws.client(DynamoDBClient);
  const existing = await describeTable(context, tableName);
  if (existing && !hasKeys(existing, keys)) {
    throw new UsageError(`${flag}: table ${tableName} exists with other keys; ${kind} has hash key ${keys.partition} (S) and range key ${keys.sort} (S)`);
  }
  if (!existing) {
    await dynamodb.send(
      new CreateTableCommand({ TableName: tableName, ...stringKeySchema(keys), BillingMode: 'PAY_PER_REQUEST' }),
    );
  }
  if (existing?.TableStatus !== 'ACTIVE') await waitUntilTableExists({ client: dynamodb, ...WAIT }, { TableName: tableName });
  return { table: existing ?? (await describeTable(context, tableName))!, created: !existing };
}

/** The targets table: hash key sourceArn, range key id, billed per request. Returns once it is ACTIVE. */
export async function ensureTable(context: AwsContext, tableName: string): Promise<Step> {
  const { table, created } = await ensureKeyedTable(context, tableName, TARGETS_TABLE_KEY, '--table', 'a targets table');
  return { resource: 'table', name: tableName, outcome: created ? 'created' : 'unchanged', arn: table.TableArn };
}

/**
 * The progress table: hash key pk, range key sk, billed per request, its entries expiring on
 * expiresAt (TTL, switched on when it is not: a table of an earlier deploy gets it too).
 */
export async function ensureProgressTable(context: AwsContext, tableName: string): Promise<Step> {
  const { table, created } = await ensureKeyedTable(context, tableName, PROGRESS_TABLE_KEY, '--progress-table', 'a progress table');
  const dynamodb = context.aws.client(DynamoDBClient);
  const { TimeToLiveDescription } = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttlOn = TimeToLiveDescription?.AttributeName === PROGRESS_TTL_ATTRIBUTE && /^ENABL/.test(TimeToLiveDescription.TimeToLiveStatus ?? '');
  if (!ttlOn) {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: PROGRESS_TTL_ATTRIBUTE, Enabled: true } }),
    );
  }
  return { resource: 'progress-table', name: tableName, outcome: created ? 'created' : ttlOn ? 'unchanged' : 'updated', arn: table.TableArn };
}

export async function functionConfiguration(context: AwsContext, functionName: string): Promise<FunctionConfiguration | undefined> {
  try {
    return await context.aws.client(LambdaClient).send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (error instanceof FunctionNotFoundException) return undefined;
    throw error;
  }
}

/**
 * What the function's environment names of fanout's resources (undefined for what it does not
 * name: a deployment of before), and the settings the console shows with the runtime's defaults
 * filled in: its metrics namespace, and how long it keeps a source's targets (CONFIG_TTL_SECONDS).
 */
export function fanoutVariables(configuration: FunctionConfiguration | undefined) {
  const variables = configuration?.Environment?.Variables ?? {};
  const named = (name: string) => variables[name] || undefined;
  const configTtl = Number(named(ENVIRONMENT.configTtlSeconds) ?? Number.NaN);
  return {
    targetsTable: named(ENVIRONMENT.targetsTable),
    progressTable: named(ENVIRONMENT.progressTable),
    failureStore: named(ENVIRONMENT.failureStore),
    metricsNamespace: named(ENVIRONMENT.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE,
    // a value the runtime would refuse stops the function before it reads anything; its default is what a fixed one gets
    configTtlSeconds: Number.isFinite(configTtl) && configTtl >= 0 ? configTtl : DEFAULT_CONFIG_TTL_SECONDS,
  };
}

/**
 * The targets table a deployment's function reads: the one named (--table), else the function's
 * TARGETS_TABLE (so that a deployment made with `deploy --table NAME` is found without it), else
 * `<function>Targets`.
 */
export function targetsTableNameOf(deployment: Deployment, configuration: FunctionConfiguration | undefined): string {
  return deployment.tableNamed ? deployment.tableName : (fanoutVariables(configuration).targetsTable ?? deployment.tableName);
}

export interface FunctionSettings {
  functionName: string;
  roleArn: string;
  tableName: string;
  /** The variables fanout sets (TARGETS_TABLE, PROGRESS_TABLE, FAILURE_STORE); the function's others are kept. */
  variables: Readonly<Record<string, string>>;
  /** The runtime's zip (see runtimeZip). */
  code: Buffer;
  /** Unset: the defaults on creation, what the function has on update. */
  runtime?: LambdaNodeRuntime | undefined;
  memory?: number | undefined;
  timeout?: number | undefined;
  vpc?: { subnetIds: string[]; securityGroupIds: string[] } | undefined;
}

function codeSha256(zip: Buffer): string {
  return createHash('sha256').update(zip).digest('base64');
}

function sameMembers(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return [...(a ?? [])].sort().join(',') === [...b].sort().join(',');
}

function vpcConfig({ subnetIds, securityGroupIds }: NonNullable<FunctionSettings['vpc']>) {
  return { SubnetIds: subnetIds, SecurityGroupIds: securityGroupIds };
}

function isNodeRuntime(runtime: string | undefined): runtime is LambdaNodeRuntime {
  return (LAMBDA_NODE_RUNTIMES as readonly (string | undefined)[]).includes(runtime);
}

/**
 * The configuration changes that make the function what the settings ask for (none when it already
 * is). A runtime Lambda no longer supports is replaced by the default even unasked: Lambda refuses
 * code updates to a function on a deprecated runtime (as an original fanout deployment is).
 */
function configurationChanges(current: FunctionConfiguration, settings: FunctionSettings) {
  const variables = current.Environment?.Variables ?? {};
  const runtime = settings.runtime ?? (isNodeRuntime(current.Runtime) ? current.Runtime : FUNCTION_DEFAULTS.runtime);
  const changes = {
    ...(current.Role === settings.roleArn ? {} : { Role: settings.roleArn }),
    ...(current.Handler === HANDLER ? {} : { Handler: HANDLER }),
    ...(current.Runtime === runtime ? {} : { Runtime: runtime }),
    ...(settings.memory === undefined || current.MemorySize === settings.memory ? {} : { MemorySize: settings.memory }),
    ...(settings.timeout === undefined || current.Timeout === settings.timeout ? {} : { Timeout: settings.timeout }),
    // the function's other variables stay: an http target's authorizationEnv secret lives there
    ...(Object.entries(settings.variables).every(([name, value]) => variables[name] === value) ? {} : { Environment: { Variables: { ...variables, ...settings.variables } } }),
  };
  const vpc = settings.vpc;
  if (vpc && !(sameMembers(current.VpcConfig?.SubnetIds, vpc.subnetIds) && sameMembers(current.VpcConfig?.SecurityGroupIds, vpc.securityGroupIds))) {
    return { ...changes, VpcConfig: vpcConfig(vpc) };
  }
  return changes;
}

/**
 * Creates the function from the runtime's zip, or brings an existing one up to date: its
 * configuration when the settings differ (first, so that a supported runtime is in place before the
 * code goes up), then its code when the zip differs. Waits for each change to settle, as Lambda
 * refuses a change while the previous one is in progress.
 */
export async function ensureFunction(context: AwsContext, settings: FunctionSettings): Promise<Step> {
  const lambda = context.aws.client(LambdaClient);
  const { functionName } = settings;
  const zip = settings.code;
  const current = await functionConfiguration(context, functionName);
  if (!current) {
    const created = await retryWhileIamPropagates(() =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: functionName,
          Description: `fanout: copies the records of its sources to the targets in the DynamoDB table ${settings.tableName}`,
          Runtime: settings.runtime ?? FUNCTION_DEFAULTS.runtime,
          Handler: HANDLER,
          Role: settings.roleArn,
          MemorySize: settings.memory ?? FUNCTION_DEFAULTS.memory,
          Timeout: settings.timeout ?? FUNCTION_DEFAULTS.timeout,
          Code: { ZipFile: zip },
          Environment: { Variables: { ...settings.variables } },
          ...(settings.vpc ? { VpcConfig: vpcConfig(settings.vpc) } : {}),
        }),
      ),
    );
    await waitUntilFunctionActiveV2({ client: lambda, ...WAIT }, { FunctionName: functionName });
    return { resource: 'function', name: functionName, outcome: 'created', arn: created.FunctionArn };
  }

  const settle = () => waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: functionName });
  await settle();
  const changes = configurationChanges(current, settings);
  const configurationChanged = Object.keys(changes).length > 0;
  if (configurationChanged) {
    await retryWhileIamPropagates(() => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, ...changes })));
    await settle();
  }
  const codeChanged = current.CodeSha256 !== codeSha256(zip);
  if (codeChanged) {
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
    await settle();
  }
  return { resource: 'function', name: functionName, outcome: codeChanged || configurationChanged ? 'updated' : 'unchanged', arn: current.FunctionArn };
}

export async function deleteFunction(context: AwsContext, functionName: string): Promise<Step> {
  const outcome = await deletion(() => context.aws.client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: functionName })));
  return { resource: 'function', name: functionName, outcome };
}

/** Deletes a table of the deployment: the targets table, or (`progress-table`) the progress table. */
export async function deleteTable(context: AwsContext, tableName: string, resource: 'table' | 'progress-table' = 'table'): Promise<Step> {
  const dynamodb = context.aws.client(DynamoDBClient);
  const outcome = await deletion(() => dynamodb.send(new DeleteTableCommand({ TableName: tableName })));
  if (outcome === 'deleted') await waitUntilTableNotExists({ client: dynamodb, ...WAIT }, { TableName: tableName });
  return { resource, name: tableName, outcome };
}

/** Deletes the role's inline policy `policyName` (fanout's own), leaving the role and its other policies. */
export async function deleteRolePolicy(context: AwsContext, roleName: string, policyName: string): Promise<Step> {
  const outcome = await deletion(() => context.aws.client(IAMClient).send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })));
  return { resource: 'policy', name: `${roleName}/${policyName}`, outcome };
}

/** Deletes the role: IAM refuses to while it has inline or attached policies, so those go first. */
export async function deleteRole(context: AwsContext, roleName: string): Promise<Step> {
  const iam = context.aws.client(IAMClient);
  const outcome = await deletion(async () => {
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
      for (const policyName of page.PolicyNames ?? []) await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
    }
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
      for (const { PolicyArn } of page.AttachedPolicies ?? []) await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn }));
    }
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  });
  return { resource: 'role', name: roleName, outcome };
}
