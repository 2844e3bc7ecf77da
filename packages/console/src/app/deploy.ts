import {
  deleteFunction,
  deleteRole,
  deleteRolePolicy,
  functionConfiguration,
  deleteTable,
  ensureFunction,
  ensureRole,
  ensureTable,
  type FunctionSettings,
  type Step,
} from '../aws/deployment.js';
import { deregisterConsumer } from '../aws/consumers.js';
import { consumerCreatedForMapping, deleteMapping, functionMappings } from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { POLICY_NAME, syncPolicy } from '../aws/policy.js';
import { runtimeZip } from '../aws/runtime-zip.js';
import type { AwsContext } from '../context.js';
import { ignoreSteps, runStep, type OnStep } from './steps.js';

/** The function's settings deploy may change; unset: the defaults on creation, what the function has on update. */
export type DeploySettings = Pick<FunctionSettings, 'runtime' | 'memory' | 'timeout' | 'vpc'>;

export interface Deployed {
  functionArn: string | undefined;
  tableArn: string | undefined;
  roleArn: string | undefined;
  steps: Step[];
}

/** Runs a deployment step, reported as `RESOURCE NAME`, done with its outcome. */
function reported(onStep: OnStep, resource: Step['resource'], name: string, action: () => Promise<Step>): Promise<Step> {
  return runStep(onStep, `${resource} ${name}`, action, (step) => step.outcome);
}

/**
 * Creates, or brings up to date, what the function needs, in this order: its execution role, its
 * targets table, the function (from the runtime's zip), and the role's policy.
 */
export async function deployFanout(context: AwsContext, deployment: Deployment, settings: DeploySettings = {}, onStep: OnStep = ignoreSteps): Promise<Deployed> {
  const code = runtimeZip();
  const role = await reported(onStep, 'role', deployment.roleName, () => ensureRole(context, deployment.roleName));
  const table = await reported(onStep, 'table', deployment.tableName, () => ensureTable(context, deployment.tableName));
  const deployed = await reported(onStep, 'function', deployment.functionName, () =>
    ensureFunction(context, { ...settings, functionName: deployment.functionName, roleArn: role.arn!, tableName: deployment.tableName, code }),
  );
  const policyName = `${deployment.roleName}/${POLICY_NAME}`;
  const policy = await reported(onStep, 'policy', policyName, async () => ({
    resource: 'policy',
    name: policyName,
    outcome: await syncPolicy(context, deployment),
  }));
  return { functionArn: deployed.arn, tableArn: table.arn, roleArn: role.arn, steps: [role, table, deployed, policy] };
}

export interface DestroyOptions {
  /** Delete the targets table too, with every target in it. */
  deleteTable?: boolean;
  /** Delete the execution role too, with its policies; else only fanout's own policy leaves the role. */
  deleteRole?: boolean;
}

/**
 * Deletes the function's event source mappings (and the Kinesis stream consumers hook registered
 * for them) and the function; the table and the role when
 * asked. A role that stays loses fanout's inline policy: with the function gone, nothing should
 * keep its rights to the streams and destinations. Asks nothing.
 */
export async function destroyFanout(context: AwsContext, deployment: Deployment, options: DestroyOptions = {}, onStep: OnStep = ignoreSteps): Promise<Step[]> {
  const steps: Step[] = [];
  // the role the function has, which deploy may have been told (--exec-role)
  const roleName = (await functionConfiguration(context, deployment.functionName))?.Role?.split('/').pop() ?? deployment.roleName;
  for (const mapping of await functionMappings(context, deployment.functionName)) {
    const sourceArn = mapping.EventSourceArn!;
    const consumer = await consumerCreatedForMapping(context, mapping);
    steps.push(
      await reported(onStep, 'mapping', sourceArn, async () => {
        await deleteMapping(context, mapping.UUID!);
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
  if (options.deleteTable) steps.push(await reported(onStep, 'table', deployment.tableName, () => deleteTable(context, deployment.tableName)));
  if (options.deleteRole) steps.push(await reported(onStep, 'role', roleName, () => deleteRole(context, roleName)));
  else steps.push(await reported(onStep, 'policy', `${roleName}/${POLICY_NAME}`, () => deleteRolePolicy(context, roleName, POLICY_NAME)));
  return steps;
}
