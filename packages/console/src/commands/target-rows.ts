import { TARGET_TYPE_NAMES, validateTargetRow, type CollapseMode, type TargetConfig, type TargetTypeName } from '@fanout/runtime/config';
import { resolveDestination } from '../aws/destinations.js';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { resolveSourceArn } from '../aws/sources.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext, CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { deploymentOptionsSchema, flagOf, idOptionSchema, parseOptions, sourceOptionsSchema, targetOptionsSchema } from './options.js';

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
}

/** A target to register: where it belongs, what it is, and its fields (the destination is required). */
export interface NewTargetInput extends TargetInput {
  sourceArn: string;
  id: string;
  type: TargetTypeName;
}

/** The target fields of register's and update's flags. */
export function targetInputOf(options: Record<string, unknown>): TargetInput {
  const flags = parseOptions(targetOptionsSchema, options);
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
  };
}

/** The row fields the input sets (only those given), its destination resolved to what the row stores. */
async function resolvedFields(context: AwsContext, type: TargetTypeName, { destination, index, ...fields }: TargetInput): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = { ...fields };
  if (destination !== undefined) {
    resolved.destination = await resolveDestination(context, {
      type,
      destination,
      index,
      region: fields.region,
      role: fields.role,
      externalId: fields.externalId,
    });
  } else if (index !== undefined) {
    throw new UsageError('--index: goes with --destination; pass the destination again with its new index');
  }
  return Object.fromEntries(Object.entries(resolved).filter(([, value]) => value !== undefined));
}

/** A problem of the runtime's validateTargetRow, "FIELD: MESSAGE", in its parts. */
export function problemParts(problem: string): { field: string; message: string } {
  const separator = problem.indexOf(': ');
  return { field: problem.slice(0, separator), message: problem.slice(separator + 2) };
}

/** A row checked by the runtime's own schema; its first problem becomes one line naming the flag. */
function validRow(row: Record<string, unknown>): TargetConfig {
  const validation = validateTargetRow(row);
  if (validation.ok) return validation.target;
  const { field, message } = problemParts(validation.problems[0]!);
  throw new UsageError(`${flagOf(field)}: ${message}`);
}

/** A new row, its destination looked up and the whole checked: inactive unless the input says otherwise. */
export async function newTargetRow(context: AwsContext, { sourceArn, id, type, ...input }: NewTargetInput): Promise<TargetConfig> {
  if (input.destination === undefined) throw new UsageError(`--destination: required; ${destinationHelp(type)}`);
  const fields = await resolvedFields(context, type, input);
  return validRow({ sourceArn, id, type, active: false, ...fields });
}

/** The stored row with the changes applied, a new destination looked up, and the whole checked. */
export async function updatedTargetRow(context: AwsContext, stored: TargetConfig, changes: TargetInput): Promise<TargetConfig> {
  const fields = await resolvedFields(context, stored.type, changes);
  if (Object.keys(fields).length === 0) throw new UsageError('update: nothing to change; pass the options to change, e.g. --active false');
  return validRow({ ...stored, ...fields });
}

function destinationHelp(type: TargetTypeName): string {
  const forms: Record<TargetTypeName, string> = {
    sns: 'a topic name or ARN',
    sqs: 'a queue name or URL',
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
  ].filter(Boolean);
  return {
    id: target.id,
    type: target.type,
    destination: target.destination,
    active: target.active ? 'yes' : 'no',
    options: options.join(' '),
  };
}
