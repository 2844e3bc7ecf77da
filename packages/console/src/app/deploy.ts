import { ENVIRONMENT, MALLOC_ENVIRONMENT, defaultFailureBucketFor, heapFlagsFor, parseFailureStore, type FailureStoreRef } from '@fanout/runtime/config';
import {
  deleteFunction,
  deleteRole,
  deleteRolePolicy,
  fanoutVariables,
  functionConfiguration,
  deleteTable,
  ensureFunction,
  ensureProgressTable,
  ensureRole,
  ensureTable,
  targetsTableNameOf,
  FUNCTION_DEFAULTS,
  type FunctionSettings,
  type Step,
} from '../aws/deployment.js';
import { deregisterConsumer } from '../aws/consumers.js';
import { bucketArn, bucketObjectCount, deleteBucket, ensureFailureBucket, existingFailureStore } from '../aws/failure-store.js';
import { consumerCreatedForMapping, deleteMapping, functionMappings, mappingStreamArn } from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { POLICY_NAME, syncPolicy } from './policy.js';
import { progressTableNameOf, recordUnhook } from '../aws/progress-table.js';
import { runtimeZip } from '../aws/runtime-zip.js';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ignoreSteps, runStep, type OnStep } from './steps.js';

/** The function's settings deploy may change; unset: the defaults on creation, what the function has on update. */
export type DeploySettings = Pick<FunctionSettings, 'runtime' | 'memory' | 'timeout' | 'vpc'> & {
  /** The store of every target that names none (--failure-store); unset: the function's, else the default bucket, created. */
  failureStore?: FailureStoreRef | undefined;
};

export interface Deployed {
  functionArn: string | undefined;
  tableArn: string | undefined;
  progressTableArn: string | undefined;
  /** The function's default failure store (FAILURE_STORE). */
  failureStoreArn: string;
  roleArn: string | undefined;
  steps: Step[];
}

/** Runs a deployment step, reported as `RESOURCE NAME`, done with its outcome. */
function reported(onStep: OnStep, resource: Step['resource'], name: string, action: () => Promise<Step>): Promise<Step> {
  return runStep(onStep, `${resource} ${name}`, action, (step) => step.outcome);
}

/** The bucket deploy makes for the function's failures: named from the function, the account and the region. */
async function defaultBucketOf(context: AwsContext, functionName: string): Promise<{ bucket: string; region: string }> {
  const [account, region] = await Promise.all([context.aws.accountId(), context.aws.region()]);
  return { bucket: defaultFailureBucketFor(functionName, account, region), region };
}

/** The function's default failure store as deploy will have it, and whether it is the bucket deploy makes. */
interface StorePlan {
  store: FailureStoreRef;
  /** The default bucket, created when missing; any other store must exist. */
  bucket?: { name: string; region: string } | undefined;
  /** Whether deploy was told it (--failure-store), rather than keeping the function's. */
  given: boolean;
}

/** The store deploy is told, else the one the function has, else the default bucket. */
async function storePlan(context: AwsContext, functionName: string, given: FailureStoreRef | undefined, current: string | undefined): Promise<StorePlan> {
  const { bucket, region } = await defaultBucketOf(context, functionName);
  const store = given ?? (current ? parseFailureStore(current) : undefined) ?? parseFailureStore(bucketArn(bucket))!;
  return { store, given: given !== undefined, bucket: store.kind === 's3' && store.bucket === bucket ? { name: bucket, region } : undefined };
}

const HEAP_FLAG = /^--max[-_](semi|old)[-_]space[-_]size(=|$)/;

/** The function's NODE_OPTIONS: V8's heap sized to its memory (heapFlagsFor), its other options kept. */
export function nodeOptionsFor(memoryMb: number, current: string | undefined): string {
  const others = (current ?? '').split(/\s+/).filter((option) => option !== '' && !HEAP_FLAG.test(option));
  return [...others, ...heapFlagsFor(memoryMb)].join(' ');
}

/**
 * Creates, or brings up to date, what the function needs, in this order: its execution role, its
 * targets table, its progress table, its failure store, the function (from the runtime's zip, its
 * environment naming the three), and the role's policy. A function deployed before it had a
 * progress table and a store gets them.
 */
export async function deployFanout(context: AwsContext, deployment: Deployment, settings: DeploySettings = {}, onStep: OnStep = ignoreSteps): Promise<Deployed> {
  const code = runtimeZip();
  const { failureStore, ...functionSettings } = settings;
  const configuration = await functionConfiguration(context, deployment.functionName);
  const current = fanoutVariables(configuration);
  const progressTableName = progressTableNameOf(deployment, configuration);
  const role = await reported(onStep, 'role', deployment.roleName, () => ensureRole(context, deployment.roleName));
  const table = await reported(onStep, 'table', deployment.tableName, () => ensureTable(context, deployment.tableName));
  const progress = await reported(onStep, 'progress-table', progressTableName, () => ensureProgressTable(context, progressTableName));
  const plan = await storePlan(context, deployment.functionName, failureStore, current.failureStore);
  const store = await reported(onStep, 'failure-store', plan.store.kind === 's3' ? plan.store.bucket : plan.store.arn, () =>
    plan.bucket ? ensureFailureBucket(context, plan.bucket.name, plan.bucket.region) : existingFailureStore(context, plan.store, plan.given),
  );
  const memory = settings.memory ?? configuration?.MemorySize ?? FUNCTION_DEFAULTS.memory;
  const existing = configuration?.Environment?.Variables ?? {};
  const variables = {
    // the allocator's settings, where the function has none of its own
    ...Object.fromEntries(Object.entries(MALLOC_ENVIRONMENT).map(([name, value]) => [name, existing[name] ?? value])),
    [ENVIRONMENT.targetsTable]: deployment.tableName,
    [ENVIRONMENT.progressTable]: progressTableName,
    [ENVIRONMENT.failureStore]: store.arn!,
    NODE_OPTIONS: nodeOptionsFor(memory, existing.NODE_OPTIONS),
  };
  const deployed = await reported(onStep, 'function', deployment.functionName, () =>
    ensureFunction(context, { ...functionSettings, functionName: deployment.functionName, roleArn: role.arn!, tableName: deployment.tableName, variables, code }),
  );
  const policyName = `${deployment.roleName}/${POLICY_NAME}`;
  const policy = await reported(onStep, 'policy', policyName, async () => ({
    resource: 'policy',
    name: policyName,
    outcome: await syncPolicy(context, deployment),
  }));
  return {
    functionArn: deployed.arn,
    tableArn: table.arn,
    progressTableArn: progress.arn,
    failureStoreArn: store.arn!,
    roleArn: role.arn,
    steps: [role, table, progress, store, deployed, policy],
  };
}

export interface DestroyOptions {
  /** Delete the targets table too, with every target in it, and the progress table. */
  deleteTable?: boolean;
  /** Delete the default failure store too (the bucket deploy made), which must be empty. */
  deleteStore?: boolean;
  /** Delete the execution role too, with its policies; else only fanout's own policy leaves the role. */
  deleteRole?: boolean;
}

/**
 * The bucket destroy --delete-store deletes: the default store deploy made (a store deploy was
 * given is the user's, and stays). Refused while it holds failures: they are records that reached
 * no target, which redrive can still deliver.
 */
export async function failureBucketToDelete(context: AwsContext, functionName: string): Promise<string> {
  const { bucket } = await defaultBucketOf(context, functionName);
  const held = await bucketObjectCount(context, bucket);
  if (held) {
    throw new UsageError(
      `--delete-store: the failure store ${bucket} holds ${held} failure${held === 1 ? '' : 's'}; deliver them with fanout-console redrive (or empty the bucket) first; nothing deleted`,
    );
  }
  return bucket;
}

/**
 * Deletes the function's event source mappings (and the Kinesis stream consumers hook registered
 * for them) and the function; the tables, the store and the role when asked. A role that stays
 * loses fanout's inline policy: with the function gone, nothing should keep its rights to the
 * streams and destinations. Asks nothing; a store that is not empty refuses before anything is deleted.
 */
export async function destroyFanout(context: AwsContext, deployment: Deployment, options: DestroyOptions = {}, onStep: OnStep = ignoreSteps): Promise<Step[]> {
  const steps: Step[] = [];
  const configuration = await functionConfiguration(context, deployment.functionName);
  // the role and the progress table the function has, which deploy may have been told (--exec-role, --progress-table)
  const roleName = configuration?.Role?.split('/').pop() ?? deployment.roleName;
  const progressTableName = progressTableNameOf(deployment, configuration);
  const tableName = targetsTableNameOf(deployment, configuration);
  const bucket = options.deleteStore ? await failureBucketToDelete(context, deployment.functionName) : undefined;
  for (const mapping of await functionMappings(context, deployment.functionName)) {
    const sourceArn = mapping.EventSourceArn!;
    const consumer = await consumerCreatedForMapping(context, mapping);
    steps.push(
      await reported(onStep, 'mapping', sourceArn, async () => {
        await deleteMapping(context, mapping.UUID!);
        // the targets may stay (the tables are kept): hooking the stream again starts at LATEST unless told
        await recordUnhook(context, progressTableName, mappingStreamArn(mapping));
        return { resource: 'mapping', name: sourceArn, outcome: 'deleted' };
      }),
    );
    if (!consumer) continue;
    steps.push(
      await reported(onStep, 'consumer', consumer.arn, async () => {
        await deregisterConsumer(context, consumer.arn);
        return { resource: 'consumer', name: consumer.arn, outcome: 'deleted' };
      }),
    );
  }
  steps.push(await reported(onStep, 'function', deployment.functionName, () => deleteFunction(context, deployment.functionName)));
  if (options.deleteTable) {
    steps.push(await reported(onStep, 'table', tableName, () => deleteTable(context, tableName)));
    steps.push(await reported(onStep, 'progress-table', progressTableName, () => deleteTable(context, progressTableName, 'progress-table')));
  }
  if (bucket) steps.push(await reported(onStep, 'failure-store', bucket, () => deleteBucket(context, bucket)));
  if (options.deleteRole) steps.push(await reported(onStep, 'role', roleName, () => deleteRole(context, roleName)));
  else steps.push(await reported(onStep, 'policy', `${roleName}/${POLICY_NAME}`, () => deleteRolePolicy(context, roleName, POLICY_NAME)));
  return steps;
}
