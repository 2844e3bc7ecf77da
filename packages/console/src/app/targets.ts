import { validateTargetRow, type TargetConfig, type TargetRowInput } from '@fanout/runtime/config';
import type { Deployment } from '../aws/names.js';
import { TargetsTable, type StoredTarget } from '../aws/targets-table.js';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { resolveDestination } from '../targets/destinations.js';
import type { DestinationRequest } from '../targets/types.js';
import { syncPolicy } from './policy.js';
import { newTargetRow, problemParts, updatedTargetRow, type NewTargetInput, type TargetChanges } from './target-rows.js';

/** The rows of a source's targets, each with what is wrong with it (nothing, for a valid row). */
export function listTargets(context: AwsContext, deployment: Deployment, sourceArn: string): Promise<StoredTarget[]> {
  return new TargetsTable(context, deployment.tableName).list(sourceArn);
}

/**
 * Writes a new target (refusing an id the source has already), as the register command does: the
 * destination looked up, the row checked by the runtime's schema; then the function's policy
 * grants the send. Throws a UsageError naming the flag of the first problem.
 */
export function registerTarget(context: AwsContext, deployment: Deployment, input: NewTargetInput): Promise<TargetConfig> {
  return writeTarget(context, deployment, input, (table, target) => table.create(target));
}

/**
 * Writes a target whole over its stored row, the one of the same source and id, which must exist:
 * every field is the input's, so a field the input leaves out is removed, as an edit in the app
 * expects. The row is checked as register checks a new one.
 */
export function replaceTarget(context: AwsContext, deployment: Deployment, input: NewTargetInput): Promise<TargetConfig> {
  return writeTarget(context, deployment, input, (table, target) => table.replace(target));
}

async function writeTarget(
  context: AwsContext,
  deployment: Deployment,
  input: NewTargetInput,
  write: (table: TargetsTable, target: TargetConfig) => Promise<void>,
): Promise<TargetConfig> {
  const target = await newTargetRow(context, input);
  await write(new TargetsTable(context, deployment.tableName), target);
  await syncPolicy(context, deployment);
  return target;
}

/**
 * Changes the fields of a target (its type stays), as the update command does: a field changed to
 * null is removed; then the function's policy follows (a role or region removed included). Returns the row written.
 */
export async function updateTarget(context: AwsContext, deployment: Deployment, sourceArn: string, id: string, changes: TargetChanges): Promise<TargetConfig> {
  const table = new TargetsTable(context, deployment.tableName);
  const updated = await updatedTargetRow(context, await storedTarget(table, sourceArn, id), changes);
  await table.replace(updated);
  await syncPolicy(context, deployment);
  return updated;
}

/** Switches a target on or off; the function sees it within its CONFIG_TTL_SECONDS. Returns the row written. */
export async function setActive(context: AwsContext, deployment: Deployment, sourceArn: string, id: string, active: boolean): Promise<TargetConfig> {
  const table = new TargetsTable(context, deployment.tableName);
  const target = { ...(await storedTarget(table, sourceArn, id)), active };
  await table.replace(target);
  return target;
}

/** Deletes a target's row, and the function's right to send to it; asks nothing (the caller has). */
export async function unregisterTarget(context: AwsContext, deployment: Deployment, sourceArn: string, id: string): Promise<void> {
  await new TargetsTable(context, deployment.tableName).delete(sourceArn, id);
  await syncPolicy(context, deployment);
}

/** The stored, valid row of a target; an invalid one must be fixed by update of its broken field or unregistered. */
async function storedTarget(table: TargetsTable, sourceArn: string, id: string): Promise<TargetConfig> {
  const stored = await table.get(sourceArn, id);
  if (!stored.target) throw new UsageError(`--id: the stored row of target "${id}" is invalid (${stored.problems.join('; ')}); unregister it and register it again`);
  return stored.target;
}

/** The fields of a target row as far as a wizard has them, the destination as the row stores it. */
export type TargetDraft = Partial<TargetRowInput>;
export type DraftProblems = Partial<Record<keyof TargetRowInput, string[]>>;

/** Stand-ins for required fields a draft has not got yet: none of them is checked against another field. */
const NOT_YET_GIVEN = { id: 'draft', destination: '-', active: false };

/**
 * What the runtime's schema finds wrong with the fields the draft has (the missing ones are not
 * reported). The checks across fields (the destination's form, the options that apply to some
 * types or sources only) run once the draft has a valid sourceArn and type and its other fields
 * pass their own checks.
 */
export function validateTargetDraft(draft: TargetDraft): DraftProblems {
  const given = Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined));
  const validation = validateTargetRow({ ...NOT_YET_GIVEN, ...given });
  const problems: DraftProblems = {};
  if (validation.ok) return problems;
  for (const { field, message } of validation.problems.map(problemParts)) {
    if (field in given) (problems[field as keyof TargetRowInput] ??= []).push(message);
  }
  return problems;
}

/** The row a complete draft will write, the runtime's defaults filled in; undefined while the draft is not a valid row. */
export function previewTargetRow(draft: TargetDraft): TargetConfig | undefined {
  const validation = validateTargetRow(draft);
  return validation.ok ? validation.target : undefined;
}

export type DestinationCheck = { ok: true; destination: string } | { ok: false; problem: string };

/** The destination as the row will store it (a name looked up), or why registerTarget would refuse it. */
export async function checkDestination(context: AwsContext, request: DestinationRequest): Promise<DestinationCheck> {
  try {
    return { ok: true, destination: await resolveDestination(context, request) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, problem: error.message };
    throw error;
  }
}
