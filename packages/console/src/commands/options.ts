import { InvalidArgumentError, Option, type Command } from 'commander';
import { COLLAPSE_MODES, MAX_ATTEMPTS_LIMIT, MAX_RECORD_AGE_LIMIT_SECONDS, TARGET_TYPES, TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import { z } from 'zod';
import { flagOf, type TargetCommand } from '../app/target-rows.js';
import { UsageError } from '../errors.js';
import { TYPES_WITH_INDEX } from '../targets/destinations.js';

/** `--flag`, `--flag true` or `--flag false`, as the original fanout CLI takes booleans. */
export function parseBoolean(value: string | undefined): boolean {
  if (value === undefined) return true;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new InvalidArgumentError('expected true or false.');
}

export function addDeploymentOptions(command: Command): Command {
  return command
    .option('--function <name>', 'the fanout function (default: fanout)')
    .option('--function-arn <arn>', 'the fanout function, by ARN')
    .option('--table <name>', 'the targets table (default: <function>Targets)')
    .option('--table-arn <arn>', 'the targets table, by ARN');
}

export function addSourceOptions(command: Command): Command {
  return command
    .addOption(new Option('--source-type <type>', 'the kind of source').choices(['kinesis', 'dynamodb']))
    .option('--source <name>', 'the source: a Kinesis stream name, or a DynamoDB table name (its stream)')
    .option('--source-arn <arn>', 'the source, by stream ARN');
}

/** The types an option applies to, as its help begins: "sns, sqs, iot, http". */
function typesWhere(test: (type: TargetTypeName) => boolean): string {
  return TARGET_TYPE_NAMES.filter(test).join(', ');
}

/**
 * The options a target row is made of, for register and update. On update, an empty value of an
 * optional field's flag (`--external-id ''`) removes that field from the row.
 */
export function addTargetOptions(command: Command, targetCommand: TargetCommand): Command {
  const removable = (help: string) => (targetCommand === 'update' ? `${help}; '' removes it` : help);
  return command
    .option('--destination <destination>', 'where to deliver: a name (looked up), an ARN, a URL or an endpoint, per type')
    .option('--index <name>', `${TYPES_WITH_INDEX.join(', ')}: the index to write to`)
    .option('--active [bool]', 'whether the target receives records (register: default false)', parseBoolean)
    .option('--destination-region <region>', removable('the region of the destination, when not the function\'s'))
    .option('--destination-role-arn <arn>', removable('a role to assume to deliver (a destination in another account)'))
    .option('--external-id <id>', removable('the external id the destination role asks for'))
    .addOption(new Option('--collapse <mode>', `${typesWhere((type) => TARGET_TYPES[type].collapsible)}: how records are grouped into messages (default JSON)`).choices(COLLAPSE_MODES))
    .option('--parallel [bool]', 'send batches concurrently (default true); false keeps record order', parseBoolean)
    .option('--convert-ddb [bool]', 'DynamoDB sources: deliver images as plain JSON (default false)', parseBoolean)
    .option('--deaggregate [bool]', 'Kinesis sources: open KPL aggregated records (default false)', parseBoolean)
    .option('--authorization-env <variable>', removable(`${typesWhere((type) => TARGET_TYPES[type].extraFields?.includes('authorizationEnv') ?? false)}: the function's environment variable holding the Authorization header`))
    .option('--max-attempts <n>', removable(`invocations a record may fail at this target (1 to ${MAX_ATTEMPTS_LIMIT}) before it goes to the failure store; default: no limit, the target holds its shard`))
    .option('--max-record-age <seconds>', removable(`how old a record failing at this target may get (1 to ${MAX_RECORD_AGE_LIMIT_SECONDS} s) before it goes to the failure store; default: no limit`))
    .option('--on-failure <arn>', removable('where this target\'s failures go: an SQS queue, SNS topic or S3 bucket ARN; default: the function\'s failure store'));
}

export const deploymentOptionsSchema = z.object({
  function: z.string().optional(),
  functionArn: z.string().optional(),
  table: z.string().optional(),
  tableArn: z.string().optional(),
});

export const sourceOptionsSchema = z.object({
  sourceType: z.enum(['kinesis', 'dynamodb']).optional(),
  source: z.string().optional(),
  sourceArn: z.string().optional(),
});

/**
 * register: an empty value is refused rather than taken as not given. There is nothing to remove
 * on a new row, and a script's unset variable (`--external-id "$EXTERNAL_ID"`) must not register a
 * target without what it meant to set, as the AWS CLI refuses an empty ARN or external id too.
 */
const givenText = z.string().min(1, "empty; give a value, or leave the flag out (only update takes '', to remove the field)").optional();

/** update: an empty value removes the field from the row (null); a flag left out keeps it (undefined). */
const removableText = z
  .string()
  .transform((value) => (value === '' ? null : value))
  .optional();

/**
 * A number as typed; the runtime's schema checks it (a value that is no number becomes NaN, which
 * it refuses with the expected range), so that the bounds are said in one place.
 */
const givenNumber = givenText.transform((value) => (value === undefined ? undefined : Number(value)));
const removableNumber = removableText.transform((value) => (value === undefined || value === null ? value : Number(value)));

/** The flags of a target's fields that are the same for register and update. */
const targetFlags = {
  destination: z.string().min(1, 'empty; a target always has a destination: pass it, or leave the flag out').optional(),
  index: z.string().min(1, 'empty; pass the name of the index').optional(),
  active: z.boolean().optional(),
  // a mode always applies (the runtime's default is JSON): `--collapse JSON` brings the default back
  collapse: z.enum(COLLAPSE_MODES).optional(),
  parallel: z.boolean().optional(),
  convertDdb: z.boolean().optional(),
  deaggregate: z.boolean().optional(),
};

export const registerOptionsSchema = z.object({
  ...targetFlags,
  destinationRegion: givenText,
  destinationRoleArn: givenText,
  externalId: givenText,
  authorizationEnv: givenText,
  maxAttempts: givenNumber,
  maxRecordAge: givenNumber,
  onFailure: givenText,
});

export const updateOptionsSchema = z.object({
  ...targetFlags,
  destinationRegion: removableText,
  destinationRoleArn: removableText,
  externalId: removableText,
  authorizationEnv: removableText,
  maxAttempts: removableNumber,
  maxRecordAge: removableNumber,
  onFailure: removableText,
});

export const idOptionSchema = z.object({ id: z.string({ message: 'required; name the target' }).min(1, 'required; name the target') });

/** Parses options with a schema; a problem becomes one UsageError line naming the flag. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, options: Record<string, unknown>): z.output<Schema> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UsageError(`${flagOf(String(issue.path[0] ?? ''))}: ${issue.message}`);
}

/** A repeatable flag: `--flag a --flag b` and `--flag a,b` alike. */
export function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((part) => part.trim()).filter((part) => part !== '')];
}
