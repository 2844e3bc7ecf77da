import { parseFailureStore } from '@fanout/runtime/config';
import { fanoutVariables, functionConfiguration } from '../aws/deployment.js';
import type { Deployment } from '../aws/names.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { sourceStates, targetStatus } from './target-state.js';

/**
 * How long a redrive may deliver, as its deadline for retries: the longest a Lambda invocation
 * runs. What it has not sent by then stays in the store, for another redrive.
 */
export const REDRIVE_TIME_MS = 900_000;

/** What a redrive will take from: the target's store, and how many failures it holds (as its state says). */
export interface RedrivePlan {
  sourceArn: string;
  id: string;
  /** The target's onFailure, else the function's FAILURE_STORE. */
  storeArn: string;
  /** Undefined when not known (no progress table). */
  stored: number | undefined;
}

/**
 * Checks that the target can be redriven, before anything is asked or sent: the function exists,
 * the target's row is valid, and its store is one that can be read back (a queue or a bucket).
 */
export async function planRedrive(context: AwsContext, deployment: Deployment, sourceArn: string, id: string): Promise<RedrivePlan> {
  const configuration = await functionConfiguration(context, deployment.functionName);
  if (!configuration) throw new NotFoundError(`--function: no function ${deployment.functionName}; run fanout-console deploy first, or pass --function`);
  const stored = await new TargetsTable(context, deployment.tableName).get(sourceArn, id);
  if (!stored.target) throw new UsageError(`--id: the stored row of target "${id}" is invalid (${stored.problems.join('; ')}); fix it with update first`);
  const storeArn = stored.target.onFailure ?? fanoutVariables(configuration).failureStore;
  if (!storeArn) throw new UsageError(`--id: target "${id}" has no failure store (no onFailure, and the function no FAILURE_STORE); run fanout-console deploy`);
  if (parseFailureStore(storeArn)?.kind === 'sns') {
    throw new UsageError(`--id: target "${id}" stores its failures in the SNS topic ${storeArn}, which cannot be read back; redrive from a queue or bucket subscribed to it`);
  }
  return { sourceArn, id, storeArn, stored: targetStatus(await sourceStates(context, deployment, sourceArn), id).stored };
}

/** What the store holds, in words: `the 2 failures`, or `the failures` when not known. */
export function failuresHeld(plan: RedrivePlan): string {
  return plan.stored === undefined ? 'the failures' : `the ${plan.stored} failure${plan.stored === 1 ? '' : 's'}`;
}

/** The question asked before a redrive in a terminal. */
export function redriveQuestion(plan: RedrivePlan): string {
  return `Send ${failuresHeld(plan)} in ${plan.storeArn} back to target ${plan.id} of ${plan.sourceArn}?`;
}

/** What a redrive did, in words. */
export function redriveSummary(result: RedriveResult): string {
  return `${result.delivered} delivered, ${result.failedAgain} failed again, ${result.remaining} left in ${result.storeArn}`;
}

export interface RedriveOptions {
  /** At most this many failures, oldest first. */
  max?: number | undefined;
  /** Where the function's code logs (JSON lines): stderr for a command, nowhere in the app. */
  writeLog?: ((line: string) => void) | undefined;
}

export interface RedriveResult extends RedrivePlan {
  delivered: number;
  failedAgain: number;
  /** Failures of the target still in the store, as far as it can count them. */
  remaining: number;
}

/**
 * Sends what a target's failure store holds back to the target, here, through the function's own
 * delivery code set up from its configuration in Lambda: oldest record first; what is delivered
 * leaves the store, what fails again stays with its new reason.
 */
export async function redriveTarget(context: AwsContext, deployment: Deployment, plan: RedrivePlan, { max, writeLog }: RedriveOptions = {}): Promise<RedriveResult> {
  // the runtime's code, bundled in the console; loaded only to redrive
  const { openDeployedFanout } = await import('@fanout/runtime/local');
  const { fanout } = await openDeployedFanout({
    functionName: deployment.functionName,
    region: await context.aws.region(),
    aws: context.aws.clientDefaults(),
    writeLog: writeLog ?? (() => undefined),
  });
  const deadline = Date.now() + REDRIVE_TIME_MS;
  try {
    const report = await fanout.redrive(plan.sourceArn, plan.id, { ...(max !== undefined ? { max } : {}), remainingTimeMs: () => deadline - Date.now() });
    return { ...plan, ...report };
  } finally {
    await fanout.close();
  }
}
