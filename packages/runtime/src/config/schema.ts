import { z } from 'zod';
import { FAILURE_STORE_ARN, FAILURE_STORE_FORMAT } from './contracts.js';
import { COLLAPSE_MODES, type CollapseMode } from '../targets/options.js';
import type { TargetType } from '../targets/types.js';
import { TARGET_TYPES, TARGET_TYPE_NAMES, type TargetTypeName } from '../targets/registry.js';

const KINESIS_STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]+$/;
/**
 * An enhanced fan-out consumer of a Kinesis stream: `STREAM_ARN/consumer/NAME:CREATION_TIMESTAMP`
 * (moto leaves the timestamp out). A mapping through the consumer has it as its EventSourceArn.
 */
const KINESIS_CONSUMER_ARN = /^(arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]+)\/consumer\/([A-Za-z0-9_.-]+)(?::\d+)?$/;
const DYNAMODB_STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]+\/stream\/[^/\s]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ENVIRONMENT_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A record may fail at a target in this many invocations at most (Lambda's own MaximumRetryAttempts goes to 10,000). */
export const MAX_ATTEMPTS_LIMIT = 10_000;
/** A week: the longest a Kinesis stream keeps records by default is a day, its extended retention 7 days and more. */
export const MAX_RECORD_AGE_LIMIT_SECONDS = 604_800;

export type SourceKind = 'kinesis' | 'dynamodb';

function wholeNumber(min: number, max: number, unit: string) {
  const message = `expected a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
}

/** The names of the kinds of target with a property, for messages: "sns, sqs, iot and http". */
function typesWhere(test: (type: TargetType<unknown>) => boolean): string {
  const names = Object.values(TARGET_TYPES)
    .filter((type) => test(type))
    .map((type) => type.name);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'no');
}

export function sourceKind(sourceArn: string): SourceKind | undefined {
  if (KINESIS_STREAM_ARN.test(sourceArn)) return 'kinesis';
  if (DYNAMODB_STREAM_ARN.test(sourceArn)) return 'dynamodb';
  return undefined;
}

/** A Kinesis stream consumer's ARN, in its parts: the stream it reads and its name. */
export interface KinesisConsumer {
  streamArn: string;
  consumerName: string;
}

export function kinesisConsumerOf(arn: string): KinesisConsumer | undefined {
  const match = KINESIS_CONSUMER_ARN.exec(arn);
  return match ? { streamArn: match[1]!, consumerName: match[2]! } : undefined;
}

/**
 * The stream an event source mapping, or an event's record, reads: for a consumer's ARN its
 * stream's, else the ARN as given. Targets are kept by stream ARN, whichever way it is read.
 */
export function streamArnOf(eventSourceArn: string): string {
  return kinesisConsumerOf(eventSourceArn)?.streamArn ?? eventSourceArn;
}

/**
 * One row of the targets table, as stored. Unknown fields are refused so that a misspelt
 * option is reported instead of silently ignored.
 */
export const targetRowSchema = z
  .strictObject({
    sourceArn: z.string().refine((value) => sourceKind(value) !== undefined, {
      message:
        'expected the ARN of a Kinesis stream (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) or of a DynamoDB stream (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)',
    }),
    id: z.string().min(1, 'expected a non-empty id').max(256, 'expected at most 256 characters'),
    type: z.enum(TARGET_TYPE_NAMES, { message: `expected one of ${TARGET_TYPE_NAMES.join(', ')}` }),
    destination: z.string().min(1, 'expected a destination'),
    active: z.boolean({ message: 'expected true or false (a DynamoDB boolean)' }),
    role: z.string().regex(ROLE_ARN, 'expected an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)').optional(),
    externalId: z.string().min(2, 'expected 2 to 1224 characters').max(1224, 'expected 2 to 1224 characters').optional(),
    region: z.string().regex(REGION, 'expected an AWS region such as us-east-1').optional(),
    collapse: z.enum(COLLAPSE_MODES, { message: `expected one of ${COLLAPSE_MODES.join(', ')}` }).optional(),
    parallel: z.boolean({ message: 'expected true or false' }).default(true),
    convertDDB: z.boolean({ message: 'expected true or false' }).default(false),
    deaggregate: z.boolean({ message: 'expected true or false' }).default(false),
    authorizationEnv: z
      .string()
      .regex(ENVIRONMENT_VARIABLE, 'expected the name of an environment variable (letters, digits, _)')
      .optional(),
    maxAttempts: wholeNumber(1, MAX_ATTEMPTS_LIMIT, 'invocations').optional(),
    maxRecordAgeSeconds: wholeNumber(1, MAX_RECORD_AGE_LIMIT_SECONDS, 'seconds').optional(),
    onFailure: z.string().regex(FAILURE_STORE_ARN, `expected ${FAILURE_STORE_FORMAT}`).optional(),
  })
  .superRefine((row, context) => {
    const type = TARGET_TYPES[row.type];
    const issue = (path: string, message: string): void => context.addIssue({ code: 'custom', path: [path], message });
    try {
      type.parseDestination(row.destination);
    } catch (error) {
      issue('destination', `${(error as Error).message}; expected ${type.destinationFormat}`);
    }
    if (!type.aws) {
      for (const field of ['role', 'externalId', 'region'] as const) {
        if (row[field] !== undefined) issue(field, `not available for ${row.type} targets (it applies to AWS services only); remove it`);
      }
    }
    if (row.externalId !== undefined && row.role === undefined) issue('externalId', 'needs a role; set role too, or remove externalId');
    if (row.collapse !== undefined && !type.collapsible) {
      issue('collapse', `not available for ${row.type} targets; it applies to ${typesWhere((other) => other.collapsible)}`);
    }
    if (row.authorizationEnv !== undefined && !type.extraFields?.includes('authorizationEnv')) {
      issue('authorizationEnv', `applies to ${typesWhere((other) => other.extraFields?.includes('authorizationEnv') ?? false)} targets only; remove it`);
    }
    const kind = sourceKind(row.sourceArn);
    if (row.deaggregate && kind === 'dynamodb') issue('deaggregate', 'applies to Kinesis sources only; remove it');
    if (row.convertDDB && kind === 'kinesis') issue('convertDDB', 'applies to DynamoDB sources only; remove it');
  })
  .transform((row) => ({
    ...row,
    ...(TARGET_TYPES[row.type].collapsible ? { collapse: row.collapse ?? ('JSON' as CollapseMode) } : {}),
  }));

export type TargetRowInput = z.input<typeof targetRowSchema>;
export type TargetConfig = z.output<typeof targetRowSchema> & { type: TargetTypeName };

export type RowValidation = { ok: true; target: TargetConfig } | { ok: false; problems: string[] };

/** Validates one stored row; each problem names the field and the expected form. */
export function validateTargetRow(row: unknown): RowValidation {
  const result = targetRowSchema.safeParse(row, { reportInput: true });
  if (result.success) return { ok: true, target: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issueMessage(issue)}`),
  };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}; remove them`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required; ${issue.message}`;
  return issue.message;
}
