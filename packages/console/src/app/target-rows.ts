import { validateTargetRow, type CollapseMode, type TargetConfig, type TargetRowInput, type TargetTypeName } from '@fanout/runtime/config';
import type { AwsContext } from '../context.js';
import { UsageError } from '../errors.js';
import { destinationHelp, resolveDestination } from '../targets/destinations.js';
import type { DestinationPlace } from '../targets/types.js';

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

/** The commands that take a target row's options: register writes a new row, update changes a stored one. */
export type TargetCommand = 'register' | 'update';

/** The flag of an option or of a target row's field, for messages. */
export function flagOf(field: string): string {
  const renamed: Record<string, string> = {
    role: 'destination-role-arn',
    region: 'destination-region',
    convertDDB: 'convert-ddb',
    maxRecordAgeSeconds: 'max-record-age',
    sourceArn: 'source-arn',
    type: 'type',
  };
  const name = renamed[field] ?? field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return field === 'type' ? '<type>' : `--${name}`;
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
