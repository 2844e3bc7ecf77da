import type { EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { sourceKind } from '@fanout/runtime/config';
import { deregisterConsumer, ensureConsumer, type ConsumerOutcome, type StreamConsumer } from '../aws/consumers.js';
import type { Outcome } from '../aws/deployment.js';
import {
  CREATED_CONSUMER_TAG,
  consumerCreatedForMapping,
  createMapping,
  deleteMapping,
  findMapping,
  mappingConsumer,
  setMappingEnabled,
  updateMapping,
  DEFAULT_STARTING_POSITION,
  type MappingSettings,
  type StartingPosition,
} from '../aws/mappings.js';
import type { Deployment } from '../aws/names.js';
import { lastUnhookedAt, progressTableOf, recordUnhook } from '../aws/progress-table.js';
import { POLICY_NAME, syncPolicy, type MappingGrant } from './policy.js';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ignoreSteps, runStep, type OnStep } from './steps.js';

/** The hook command's flags: the mapping's settings, and the consumer to read a Kinesis stream through. */
export interface HookSettings extends MappingSettings {
  /** An enhanced fan-out consumer's name: the stream's consumer of that name, registered when it has none. */
  consumer?: string | undefined;
}

/**
 * Where a new hook of a source starts unless told: LATEST when the source was hooked before and
 * unhooked (its targets have had its records: reading it all again would send them every one once
 * more), else TRIM_HORIZON (everything the stream holds, as the original fanout did).
 */
export interface StartingPositionChoice {
  position: Extract<StartingPosition, 'TRIM_HORIZON' | 'LATEST'>;
  /** ISO time the source was last unhooked, as the function's progress table notes it; undefined when it never was. */
  unhookedAt: string | undefined;
}

export async function defaultStartingPosition(context: AwsContext, deployment: Deployment, sourceArn: string): Promise<StartingPositionChoice> {
  const unhookedAt = await lastUnhookedAt(context, await progressTableOf(context, deployment), sourceArn);
  return { position: unhookedAt === undefined ? DEFAULT_STARTING_POSITION : 'LATEST', unhookedAt };
}

export interface HookResult {
  mapping: EventSourceMappingConfiguration;
  outcome: Outcome;
  /** For a new hook given no starting position: the default it got, and why. */
  defaultedStart?: StartingPositionChoice | undefined;
  /** The consumer the mapping reads through: registered now, found on the stream, or the hook's own already (`unchanged`). */
  consumer?: (StreamConsumer & { outcome: ConsumerOutcome | 'unchanged' }) | undefined;
}

export interface UnhookResult {
  uuid?: string | undefined;
  outcome: 'deleted' | 'absent';
  /** The consumer the mapping read through: deregistered when hook had registered it, else kept. */
  consumer?: (StreamConsumer & { outcome: 'deregistered' | 'kept' }) | undefined;
}

function policyStep(onStep: OnStep, context: AwsContext, deployment: Deployment, pending?: MappingGrant): Promise<Outcome> {
  return runStep(onStep, `policy ${deployment.roleName}/${POLICY_NAME}`, () => syncPolicy(context, deployment, pending), (outcome) => outcome);
}

function mappingStep<Result>(onStep: OnStep, sourceArn: string, action: () => Promise<Result>, outcomeOf: (result: Result) => string): Promise<Result> {
  return runStep(onStep, `mapping ${sourceArn}`, action, outcomeOf);
}

function consumerStep<Result>(onStep: OnStep, consumerName: string, action: () => Promise<Result>, outcomeOf: (result: Result) => string): Promise<Result> {
  return runStep(onStep, `consumer ${consumerName}`, action, outcomeOf);
}

/**
 * A hook's source is fixed when its mapping is made (Lambda cannot change a mapping's
 * EventSourceArn): hooking again must name the consumer the hook reads through, or none.
 */
function checkSameConsumer(sourceArn: string, existing: EventSourceMappingConfiguration, wanted: string | undefined): void {
  const current = mappingConsumer(existing)?.name;
  if (current === wanted) return;
  const reads = current === undefined ? 'reads the stream directly' : `reads through consumer ${current}`;
  const instead = wanted === undefined ? 'to read the stream directly' : `with --consumer ${wanted}`;
  const keep = current === undefined ? 'leave out --consumer to change its settings' : `pass --consumer ${current} to change its settings`;
  throw new UsageError(`--consumer: the hook on ${sourceArn} ${reads}; ${keep}, or unhook, then hook again ${instead}`);
}

/**
 * Makes the function read the source (creates its event source mapping with batch item failures
 * reported; without a starting position, at defaultStartingPosition's), or changes the settings of the mapping it has. The function must exist. With a
 * consumer (Kinesis only), the mapping reads through the stream's enhanced fan-out consumer of that
 * name, registered first when the stream has none (and then tagged on the mapping, for unhook).
 * Steps: the consumer, the policy (reading the stream is granted first: Lambda checks it), then the mapping.
 */
export async function hookSource(
  context: AwsContext,
  deployment: Deployment,
  sourceArn: string,
  settings: HookSettings = {},
  onStep: OnStep = ignoreSteps,
): Promise<HookResult> {
  const { consumer: consumerName, ...mappingSettings } = settings;
  const kind = sourceKind(sourceArn);
  if (consumerName !== undefined && kind !== 'kinesis') {
    throw new UsageError(`--consumer: enhanced fan-out consumers are Kinesis streams' only; hook the DynamoDB stream ${sourceArn} without --consumer`);
  }
  if (settings.startingPosition === 'AT_TIMESTAMP' && kind === 'dynamodb') {
    throw new UsageError('--starting-position: AT_TIMESTAMP applies to Kinesis streams only; DynamoDB streams start at TRIM_HORIZON or LATEST');
  }
  const existing = await findMapping(context, deployment.functionName, sourceArn);
  if (existing) checkSameConsumer(sourceArn, existing, consumerName);
  if (existing && settings.startingPosition !== undefined) {
    throw new UsageError(`--starting-position: the hook on ${sourceArn} exists and keeps its starting position; unhook, then hook again to change it`);
  }
  const existingConsumer = existing && mappingConsumer(existing);
  const consumer: HookResult['consumer'] = existingConsumer
    ? { ...existingConsumer, outcome: 'unchanged' }
    : consumerName !== undefined
      ? await consumerStep(onStep, consumerName, () => ensureConsumer(context, sourceArn, consumerName), (registered) => registered.outcome)
      : undefined;
  const outcome = existing ? 'updated' : 'created';
  const defaultedStart = existing || settings.startingPosition !== undefined ? undefined : await defaultStartingPosition(context, deployment, sourceArn);
  const startingPosition = defaultedStart?.position ?? settings.startingPosition;
  try {
    await policyStep(onStep, context, deployment, {
      sourceArn,
      consumerArn: consumer?.arn,
      onFailureDestination: settings.onFailureDestination ?? existing?.DestinationConfig?.OnFailure?.Destination,
    });
    const tags = consumer?.outcome === 'created' ? { [CREATED_CONSUMER_TAG]: consumer.name } : undefined;
    const mapping = await mappingStep(
      onStep,
      sourceArn,
      () =>
        existing
          ? updateMapping(context, existing.UUID!, mappingSettings)
          : createMapping(context, deployment.functionName, consumer?.arn ?? sourceArn, { ...mappingSettings, startingPosition }, tags),
      () => outcome,
    );
    return { mapping, outcome, ...(defaultedStart ? { defaultedStart } : {}), ...(consumer ? { consumer } : {}) };
  } catch (error) {
    // take back the rights granted, and the consumer registered, for a mapping that was not made; the error that stopped it is the one to report
    await syncPolicy(context, deployment).catch(() => undefined);
    if (consumer?.outcome === 'created') await deregisterConsumer(context, consumer.arn).catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes the source's mapping, then the consumer it read through if hook registered that one,
 * then the role's right to read the stream; `absent` when there was no mapping. The unhook is
 * noted in the progress table, for the next hook's default starting position.
 */
export async function unhookSource(context: AwsContext, deployment: Deployment, sourceArn: string, onStep: OnStep = ignoreSteps): Promise<UnhookResult> {
  const mapping = await findMapping(context, deployment.functionName, sourceArn);
  if (!mapping) return { outcome: 'absent' };
  const consumer = mappingConsumer(mapping);
  const created = await consumerCreatedForMapping(context, mapping);
  await mappingStep(onStep, sourceArn, () => deleteMapping(context, mapping.UUID!), () => 'deleted');
  if (created) await consumerStep(onStep, created.name, () => deregisterConsumer(context, created.arn), () => 'deregistered');
  // so that hooking it again starts at LATEST unless told otherwise
  await recordUnhook(context, await progressTableOf(context, deployment), sourceArn);
  await policyStep(onStep, context, deployment);
  return { uuid: mapping.UUID, outcome: 'deleted', ...(consumer ? { consumer: { ...consumer, outcome: created ? 'deregistered' : 'kept' } } : {}) };
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
