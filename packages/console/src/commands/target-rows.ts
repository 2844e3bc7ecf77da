import { TARGET_TYPE_NAMES, validateTargetRow, type CollapseMode, type TargetConfig, type TargetRowInput, type TargetTypeName } from '@fanout/runtime/config';
import type { z } from 'zod';
import { changesSeenWithinSeconds, takesEffectText } from '../app/takes-effect.js';
import { resolveDestination, type DestinationPlace } from '../aws/destinations.js';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { resolveSourceArn } from '../aws/sources.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext, CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import {
  deploymentOptionsSchema,
  flagOf,
  idOptionSchema,
  parseOptions,
  registerOptionsSchema,
  sourceOptionsSchema,
  updateOptionsSchema,
  type TargetCommand,
} from './options.js';

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

/**
 * A target's fields as the user gives them: the row's own fields, except that the destination is
 * as typed (a name is looked up, see resolveDestination) and an es destination may come with its index.
 */
export interface TargetInput {
  destination?: string | undefined;
  index?: string | undefined;
  active?: boolean | undefined;
  role?: string | undefined;
  externalId?: string | undefined;
  region?: string | undefined;
  collapse?: CollapseMode | undefined;
  parallel?: boolean | undefined;
  convertDDB?: boolean | undefined;
  deaggregate?: boolean | undefined;
  authorizationEnv?: string | undefined;
  maxAttempts?: number | undefined;
  maxRecordAgeSeconds?: number | undefined;
  onFailure?: string | undefined;
}

/** A target to register: where it belongs, what it is, and its fields (the destination is required). */
export interface NewTargetInput extends TargetInput {
  sourceArn: string;
  id: string;
  type: TargetTypeName;
}

/** The optional fields of a row that update removes when its flag is given as ''. */
const REMOVABLE_FIELDS = ['role', 'externalId', 'region', 'authorizationEnv', 'maxAttempts', 'maxRecordAgeSeconds', 'onFailure'] as const;
type RemovableField = (typeof REMOVABLE_FIELDS)[number];

/** Changes to a stored target: fields to set as in TargetInput, and null for an optional field to remove. */
export type TargetChanges = Omit<TargetInput, RemovableField> & { [Field in RemovableField]?: TargetInput[Field] | null };

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

/** The fields given (not undefined). */
function givenFields(fields: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** What the user typed for --destination (and --index), as the row stores it: looked up where the row says the destination is. */
function storedDestination(context: AwsContext, type: TargetTypeName, typed: { destination: string; index?: string | undefined }, place: DestinationPlace): Promise<string> {
  return resolveDestination(context, { type, ...typed, region: place.region, role: place.role, externalId: place.externalId });
}

/** A problem of the runtime's validateTargetRow, "FIELD: MESSAGE", in its parts. */
export function problemParts(problem: string): { field: string; message: string } {
  const separator = problem.indexOf(': ');
  return { field: problem.slice(0, separator), message: problem.slice(separator + 2) };
}

/** A row checked by the runtime's own schema; its first problem becomes one line naming the flag. */
function validRow(row: Record<string, unknown>, command: TargetCommand): TargetConfig {
  const validation = validateTargetRow(row);
  if (validation.ok) return validation.target;
  const { field, message } = problemParts(validation.problems[0]!);
  throw new UsageError(`${flagOf(field)}: ${inFlags(field, message, command)}`);
}

/** The runtime's problem of an external id without a role names the row's fields: said again with the flags. */
function inFlags(field: string, message: string, command: TargetCommand): string {
  if (field !== 'externalId' || !message.startsWith('needs a role')) return message;
  const withoutIt = command === 'update' ? "remove the external id with --external-id ''" : 'leave out --external-id';
  return `needs a role: pass ${flagOf('role')} too, or ${withoutIt}`;
}

/** A new row, its destination looked up and the whole checked: inactive unless the input says otherwise. */
export async function newTargetRow(context: AwsContext, { sourceArn, id, type, destination, index, ...fields }: NewTargetInput): Promise<TargetConfig> {
  if (destination === undefined) throw new UsageError(`--destination: required; ${destinationHelp(type)}`);
  const stored = await storedDestination(context, type, { destination, index }, fields);
  return validRow({ sourceArn, id, type, active: false, ...givenFields(fields), destination: stored }, 'register');
}

/**
 * The stored row with the changes applied (a field changed to null removed), a new destination
 * looked up where the changed row says it is, and the whole checked.
 */
export async function updatedTargetRow(context: AwsContext, stored: TargetConfig, { destination, index, ...changes }: TargetChanges): Promise<TargetConfig> {
  if (destination === undefined && index !== undefined) {
    throw new UsageError('--index: goes with --destination; pass the destination again with its new index');
  }
  const given = givenFields(changes);
  if (destination === undefined && Object.keys(given).length === 0) {
    throw new UsageError('update: nothing to change; pass the options to change, e.g. --active false');
  }
  const row: TargetRowInput = { ...stored, ...given };
  for (const field of REMOVABLE_FIELDS) if (changes[field] === null) delete row[field];
  if (destination !== undefined) row.destination = await storedDestination(context, stored.type, { destination, index }, row);
  return validRow(row, 'update');
}

function destinationHelp(type: TargetTypeName): string {
  const forms: Record<TargetTypeName, string> = {
    sns: 'a topic name or ARN',
    sqs: 'a queue name, ARN or URL',
    es: 'an OpenSearch domain name or https:// endpoint, with --index',
    kinesis: 'a stream name or ARN',
    firehose: 'a delivery stream name or ARN',
    iot: 'a topic (on the account\'s data endpoint) or ENDPOINT#TOPIC',
    lambda: 'a function name or ARN',
    redis: 'an ElastiCache cluster id, host:port or a redis:// URL',
    memcached: 'an ElastiCache cluster id or host:port[,host:port]',
    http: 'an http:// or https:// URL',
  };
  return `pass ${forms[type]}`;
}

/** A target as a line of a table for people. */
export interface TargetLine {
  id: string;
  type: string;
  destination: string;
  active: string;
  options: string;
}

export function targetLine(target: TargetConfig): TargetLine {
  const options = [
    target.collapse !== undefined && target.collapse !== 'JSON' ? `collapse=${target.collapse}` : '',
    target.parallel ? '' : 'parallel=false',
    target.convertDDB ? 'convertDDB' : '',
    target.deaggregate ? 'deaggregate' : '',
    target.region ? `region=${target.region}` : '',
    target.role ? `role=${target.role}` : '',
    target.authorizationEnv ? `authorization=$${target.authorizationEnv}` : '',
    target.maxAttempts !== undefined ? `maxAttempts=${target.maxAttempts}` : '',
    target.maxRecordAgeSeconds !== undefined ? `maxRecordAge=${target.maxRecordAgeSeconds}s` : '',
    target.onFailure ? `onFailure=${target.onFailure}` : '',
  ].filter(Boolean);
  return {
    id: target.id,
    type: target.type,
    destination: target.destination,
    active: target.active ? 'yes' : 'no',
    options: options.join(' '),
  };
}
