import { TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import type { z } from 'zod';
import type { TargetChanges, TargetInput } from '../app/target-rows.js';
import { changesSeenWithinSeconds, takesEffectText } from '../app/takes-effect.js';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { resolveSourceArn } from '../aws/sources.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext, CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { deploymentOptionsSchema, idOptionSchema, parseOptions, registerOptionsSchema, sourceOptionsSchema, updateOptionsSchema } from './options.js';

/** The deployment, its table and the source a target-row command acts on. */
export interface TargetScope {
  deployment: Deployment;
  table: TargetsTable;
  sourceArn: string;
}

export async function targetScope(context: CommandContext, options: Record<string, unknown>): Promise<TargetScope> {
  const deployment = deploymentOf(parseOptions(deploymentOptionsSchema, options));
  const sourceArn = await resolveSourceArn(context, parseOptions(sourceOptionsSchema, options));
  return { deployment, table: new TargetsTable(context, deployment.tableName), sourceArn };
}

/** What a command did to a target's row, with when the function sees it: `…; the function sees it within 60 s`. */
export async function changeSentence(context: AwsContext, deployment: Deployment, sentence: string): Promise<string> {
  return `${sentence}; ${takesEffectText(await changesSeenWithinSeconds(context, deployment))}`;
}

export function targetId(options: Record<string, unknown>): string {
  return parseOptions(idOptionSchema, options).id;
}

export function targetType(args: readonly string[]): TargetTypeName {
  const type = args[0] ?? '';
  if (!(TARGET_TYPE_NAMES as readonly string[]).includes(type)) {
    throw new UsageError(`<type>: "${type}" is not a target type; expected one of ${TARGET_TYPE_NAMES.join(', ')}`);
  }
  return type as TargetTypeName;
}

/** The target fields of register's flags. */
export function targetInputOf(options: Record<string, unknown>): TargetInput {
  return rowFieldsOf(parseOptions(registerOptionsSchema, options));
}

/** The target fields of update's flags: a flag left out is undefined (the field is kept), one given as '' null (removed). */
export function targetChangesOf(options: Record<string, unknown>): TargetChanges {
  return rowFieldsOf(parseOptions(updateOptionsSchema, options));
}

type RemovableTextFlag = 'destinationRegion' | 'destinationRoleArn' | 'externalId' | 'authorizationEnv' | 'onFailure';
type RemovableNumberFlag = 'maxAttempts' | 'maxRecordAge';
type TargetFlags<Text extends string | null, Count extends number | null> = Omit<z.output<typeof updateOptionsSchema>, RemovableTextFlag | RemovableNumberFlag> &
  Partial<Record<RemovableTextFlag, Text | undefined>> &
  Partial<Record<RemovableNumberFlag, Count | undefined>>;

/** Flags as register or update parsed them, named as the row's fields. */
function rowFieldsOf<Text extends string | null, Count extends number | null>(flags: TargetFlags<Text, Count>) {
  return {
    destination: flags.destination,
    index: flags.index,
    active: flags.active,
    role: flags.destinationRoleArn,
    externalId: flags.externalId,
    region: flags.destinationRegion,
    collapse: flags.collapse,
    parallel: flags.parallel,
    convertDDB: flags.convertDdb,
    deaggregate: flags.deaggregate,
    authorizationEnv: flags.authorizationEnv,
    maxAttempts: flags.maxAttempts,
    maxRecordAgeSeconds: flags.maxRecordAge,
    onFailure: flags.onFailure,
  };
}

