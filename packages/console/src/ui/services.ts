import type { AwsContext } from '../context.js';
import type { Deployment } from '../aws/names.js';
import { deployFanout, destroyFanout, type DestroyOptions } from '../app/deploy.js';
import { loadHeader } from '../app/header.js';
import type { OnStep } from '../app/steps.js';
import { defaultStartingPosition, hookSource, setHookEnabled, unhookSource, type StartingPositionChoice } from '../app/hooks.js';
import { functionLog, type FunctionLogRequest } from '../app/function-log.js';
import { sourceLags } from '../app/source-lag.js';
import { targetDetail } from '../app/target-detail.js';
import { changesSeenWithinSeconds } from '../app/takes-effect.js';
import { targetSparklines } from '../app/metrics.js';
import { discoverSources } from '../app/sources.js';
import { sourceStates } from '../app/target-state.js';
import { planRedrive, redriveTarget, type RedrivePlan } from '../app/redrive.js';
import type { TargetTypeName } from '@fanout/runtime/config';
import type { DestinationPlace, DestinationRequest } from '../app/destination-discovery.js';
import type { NewTargetInput } from '../app/target-rows.js';
import { discoverDestinations } from '../app/destination-discovery.js';
import { checkDestination, listTargets, previewTargetRow, registerTarget, replaceTarget, setActive, unregisterTarget, validateTargetDraft } from '../app/targets.js';

/** What the app can ask of AWS: the app layer's functions, bound to one deployment. Components get these, never clients. */
export function appServices(context: AwsContext, deployment: Deployment) {
  const { functionName } = deployment;
  return {
    deployment,
    header: () => loadHeader(context, deployment),
    sources: () => discoverSources(context, deployment),
    /** How far behind the function is on each source: the local poller's lag per shard, else the function's IteratorAge. */
    sourceLags: (sourceArns: readonly string[]) => sourceLags(context, deployment, sourceArns),
    /** One target in full: its row, state, counters of the hour and failure store. */
    targetDetail: (sourceArn: string, id: string) => targetDetail(context, deployment, sourceArn, id),
    /** The function's recent log lines, newest last (CloudWatch Logs, or the local log file). */
    functionLog: (request: FunctionLogRequest) => functionLog(context, deployment, request),
    /** Within how many seconds the function sees a change to a target's row (its CONFIG_TTL_SECONDS). */
    changesSeenWithin: () => changesSeenWithinSeconds(context, deployment),
    targets: (sourceArn: string) => listTargets(context, deployment, sourceArn),
    /** Every target's state of the source: one Query on the progress table. */
    targetStates: (sourceArn: string) => sourceStates(context, deployment, sourceArn),
    activity: (sourceArn: string, targetIds: readonly string[]) => targetSparklines(context, { functionName, sourceArn, targetIds }),
    /** What a redrive of the target would send, checked before the question. */
    planRedrive: (sourceArn: string, id: string) => planRedrive(context, deployment, sourceArn, id),
    /** Sends the target's stored failures back to it (the function's code, here; its log lines go nowhere: the app draws on stdout). */
    redrive: (plan: RedrivePlan) => redriveTarget(context, deployment, plan),
    setActive: (sourceArn: string, id: string, active: boolean) => setActive(context, deployment, sourceArn, id, active),
    unregister: async (sourceArn: string, id: string) => {
      await unregisterTarget(context, deployment, sourceArn, id);
      return { unregistered: id };
    },
    destinations: (type: TargetTypeName, place: DestinationPlace) => discoverDestinations(context, type, place),
    checkDestination: (request: DestinationRequest) => checkDestination(context, request),
    validateDraft: validateTargetDraft,
    previewRow: previewTargetRow,
    register: (input: NewTargetInput) => registerTarget(context, deployment, input),
    replace: (input: NewTargetInput) => replaceTarget(context, deployment, input),
    setHookEnabled: (sourceArn: string, enabled: boolean) => setHookEnabled(context, deployment, sourceArn, enabled),
    /** Where a new hook of the source starts unless told: LATEST after an unhook, else TRIM_HORIZON. */
    defaultStartingPosition: (sourceArn: string) => defaultStartingPosition(context, deployment, sourceArn),
    hook: (sourceArn: string, startingPosition: StartingPositionChoice['position']) => hookSource(context, deployment, sourceArn, { startingPosition }),
    unhook: (sourceArn: string) => unhookSource(context, deployment, sourceArn),
    /** Creates or brings up to date the role, the tables, the failure store, the function and the policy, with the function's own settings. */
    deploy: (onStep: OnStep) => deployFanout(context, deployment, {}, onStep),
    destroy: (options: DestroyOptions, onStep: OnStep) => destroyFanout(context, deployment, options, onStep),
  };
}

export type AppServices = ReturnType<typeof appServices>;
