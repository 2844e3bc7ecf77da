import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { sourceKind } from '@fanout/runtime/config';
import type { Outcome } from '../aws/deployment.js';
import { createMapping, deleteMapping, findMapping, setMappingEnabled, updateMapping, type MappingSettings } from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { POLICY_NAME, syncPolicy, type MappingGrant } from '../aws/policy.js';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ignoreSteps, runStep, type OnStep } from './steps.js';

export interface HookResult {
  mapping: EventSourceMappingConfiguration;
  outcome: Outcome;
}

function policyStep(onStep: OnStep, context: AwsContext, deployment: Deployment, pending?: MappingGrant): Promise<Outcome> {
  return runStep(onStep, `policy ${deployment.roleName}/${POLICY_NAME}`, () => syncPolicy(context, deployment, pending), (outcome) => outcome);
}

function mappingStep<Result>(onStep: OnStep, sourceArn: string, action: () => Promise<Result>, outcomeOf: (result: Result) => string): Promise<Result> {
  return runStep(onStep, `mapping ${sourceArn}`, action, outcomeOf);
}

/**
 * Makes the function read the source (creates its event source mapping with batch item failures
 * reported), or changes the settings of the mapping it has. The function must exist.
 * Steps: the policy (reading the stream is granted first: Lambda checks it), then the mapping.
 */
export async function hookSource(
  context: AwsContext,
  deployment: Deployment,
  sourceArn: string,
  settings: MappingSettings = {},
  onStep: OnStep = ignoreSteps,
): Promise<HookResult> {
  if (settings.startingPosition === 'AT_TIMESTAMP' && sourceKind(sourceArn) === 'dynamodb') {
    throw new UsageError('--starting-position: AT_TIMESTAMP applies to Kinesis streams only; DynamoDB streams start at TRIM_HORIZON or LATEST');
  }
  const existing = await findMapping(context, deployment.functionName, sourceArn);
  if (existing && settings.startingPosition !== undefined) {
    throw new UsageError(`--starting-position: the hook on ${sourceArn} exists and keeps its starting position; unhook, then hook again to change it`);
  }
  await policyStep(onStep, context, deployment, {
    sourceArn,
    onFailureDestination: settings.onFailureDestination ?? existing?.DestinationConfig?.OnFailure?.Destination,
  });
  const outcome = existing ? 'updated' : 'created';
  try {
    const mapping = await mappingStep(
      onStep,
      sourceArn,
      () => (existing ? updateMapping(context, existing.UUID!, settings) : createMapping(context, deployment.functionName, sourceArn, settings)),
      () => outcome,
    );
    return { mapping, outcome };
  } catch (error) {
    // take back the rights granted for a mapping that was not made; the error that stopped it is the one to report
    await syncPolicy(context, deployment).catch(() => undefined);
    throw error;
  }
}

/** Deletes the source's mapping, then the role's right to read the stream; `absent` when there was none. */
export async function unhookSource(
  context: AwsContext,
  deployment: Deployment,
  sourceArn: string,
  onStep: OnStep = ignoreSteps,
): Promise<{ uuid?: string | undefined; outcome: 'deleted' | 'absent' }> {
  const mapping = await findMapping(context, deployment.functionName, sourceArn);
  if (!mapping) return { outcome: 'absent' };
  await mappingStep(onStep, sourceArn, () => deleteMapping(context, mapping.UUID!), () => 'deleted');
  await policyStep(onStep, context, deployment);
  return { uuid: mapping.UUID, outcome: 'deleted' };
}

/** Pauses (false) or resumes (true) the source's mapping; records wait in the stream meanwhile. `unchanged` when it already is. */
export async function setHookEnabled(
  context: AwsContext,
  deployment: Deployment,
  sourceArn: string,
  enabled: boolean,
  onStep: OnStep = ignoreSteps,
): Promise<HookResult> {
  const existing = await findMapping(context, deployment.functionName, sourceArn);
  if (!existing) throw new UsageError(`--source: ${deployment.functionName} is not hooked to ${sourceArn}; run fanout-console hook first`);
  if (existing.State === (enabled ? 'Enabled' : 'Disabled')) return { mapping: existing, outcome: 'unchanged' };
  const mapping = await mappingStep(onStep, sourceArn, () => setMappingEnabled(context, existing.UUID!, enabled), () => (enabled ? 'resumed' : 'paused'));
  return { mapping, outcome: 'updated' };
}
