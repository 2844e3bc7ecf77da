import { TARGET_TYPE_NAMES, validateTargetRow, type TargetConfig, type TargetTypeName } from '@fanout/runtime/config';
import type { z } from 'zod';
import { resolveDestination } from '../aws/destinations.js';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { resolveSourceArn } from '../aws/sources.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { CommandContext } from '../context.js';
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

type TargetOptions = z.output<typeof targetOptionsSchema>;

/** The row fields the target options set (only those given). */
async function fieldsFromOptions(context: CommandContext, type: TargetTypeName, options: TargetOptions): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {
    active: options.active,
    role: options.destinationRoleArn,
    externalId: options.externalId,
    region: options.destinationRegion,
    collapse: options.collapse,
    parallel: options.parallel,
    convertDDB: options.convertDdb,
    deaggregate: options.deaggregate,
    authorizationEnv: options.authorizationEnv,
  };
  if (options.destination !== undefined) {
    fields.destination = await resolveDestination(context, {
      type,
      destination: options.destination,
      index: options.index,
      region: options.destinationRegion,
      role: options.destinationRoleArn,
      externalId: options.externalId,
    });
  } else if (options.index !== undefined) {
    throw new UsageError('--index: goes with --destination; pass the destination again with its new index');
  }
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** A row checked by the runtime's own schema; its first problem becomes one line naming the flag. */
function validRow(row: Record<string, unknown>): TargetConfig {
  const validation = validateTargetRow(row);
  if (validation.ok) return validation.target;
  const [field, ...message] = validation.problems[0]!.split(': ');
  throw new UsageError(`${flagOf(field!)}: ${message.join(': ')}`);
}

/** A new row from the register options: inactive unless --active. */
export async function newTargetRow(
  context: CommandContext,
  scope: TargetScope,
  type: TargetTypeName,
  id: string,
  options: Record<string, unknown>,
): Promise<TargetConfig> {
  const targetOptions = parseOptions(targetOptionsSchema, options);
  if (targetOptions.destination === undefined) throw new UsageError(`--destination: required; ${destinationHelp(type)}`);
  const fields = await fieldsFromOptions(context, type, targetOptions);
  return validRow({ sourceArn: scope.sourceArn, id, type, active: false, ...fields });
}

/** The stored row with the update options applied. */
export async function updatedTargetRow(context: CommandContext, stored: TargetConfig, options: Record<string, unknown>): Promise<TargetConfig> {
  const fields = await fieldsFromOptions(context, stored.type, parseOptions(targetOptionsSchema, options));
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

/** How a target looks in a table for people. */
export function targetLine(target: TargetConfig): Record<string, string> {
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
