import { z } from 'zod';
import { hookSource } from '../app/hooks.js';
import { mappingView, STARTING_POSITIONS } from '../aws/mappings.js';
import type { CommandDefinition } from './command.js';
import { integerOption } from './deployment-options.js';
import { addHookScopeOptions, hookScope } from './hook-scope.js';
import { parseBoolean, parseOptions } from './options.js';

const ON_FAILURE_DESTINATION = /^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;
/** A Kinesis stream consumer's name, as RegisterStreamConsumer takes it. */
const CONSUMER_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const hookOptionsSchema = z
  .object({
    batchSize: integerOption(1, 10_000, 'records'),
    startingPosition: z.enum(STARTING_POSITIONS, { message: `expected ${STARTING_POSITIONS.join(', ')}` }).optional(),
    startingPositionTimestamp: z
      .string()
      .transform((value, context) => {
        const date = new Date(value);
        if (Number.isNaN(date.getTime())) {
          context.addIssue({ code: 'custom', message: 'expected an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z' });
          return z.NEVER;
        }
        return date;
      })
      .optional(),
    batchingWindow: integerOption(0, 300, 'seconds'),
    parallelizationFactor: integerOption(1, 10, 'concurrent batches per shard'),
    maximumRetryAttempts: integerOption(-1, 10_000, 'retries (-1: until the record expires)'),
    maximumRecordAge: integerOption(-1, 604_800, 'seconds (-1: no limit)').refine(
      (age) => age === undefined || age === -1 || age >= 60,
      'expected -1 (no limit) or a whole number of seconds from 60 to 604800',
    ),
    bisectBatchOnError: z.boolean().optional(),
    onFailureDestination: z
      .string()
      .regex(ON_FAILURE_DESTINATION, 'expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME) or an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)')
      .optional(),
    consumer: z.string().regex(CONSUMER_NAME, 'expected a consumer name: 1 to 128 letters, digits, _ . -').optional(),
  })
  .superRefine((options, context) => {
    if (options.startingPosition === 'AT_TIMESTAMP' && !options.startingPositionTimestamp) {
      context.addIssue({ code: 'custom', path: ['startingPositionTimestamp'], message: 'required with --starting-position AT_TIMESTAMP' });
    }
    if (options.startingPositionTimestamp && options.startingPosition !== 'AT_TIMESTAMP') {
      context.addIssue({ code: 'custom', path: ['startingPositionTimestamp'], message: 'goes with --starting-position AT_TIMESTAMP only' });
    }
  });

export const hookCommand: CommandDefinition = {
  name: 'hook',
  description: 'make the function read a source (create its event source mapping, or change its settings)',
  configure(command) {
    addHookScopeOptions(command)
      .option('--batch-size <records>', 'records per invocation at most (on creation: 100)')
      .option('--starting-position <position>', `where a new hook starts reading: ${STARTING_POSITIONS.join(', ')} (default TRIM_HORIZON; LATEST for a source that was hooked and unhooked)`)
      .option('--starting-position-timestamp <time>', 'with AT_TIMESTAMP (Kinesis only): an ISO 8601 date and time')
      .option('--batching-window <seconds>', 'how long to gather records before invoking (0 to 300)')
      .option('--parallelization-factor <n>', 'concurrent batches per shard (1 to 10)')
      .option('--maximum-retry-attempts <n>', 'retries of a failing batch (-1: until the records expire)')
      .option('--maximum-record-age <seconds>', 'older records are skipped (-1: no limit, else 60 to 604800)')
      .option('--bisect-batch-on-error [bool]', 'split a failing batch in two and retry the halves', parseBoolean)
      .option('--on-failure-destination <arn>', 'an SQS queue or SNS topic ARN that receives the description of discarded batches')
      .option('--consumer <name>', 'Kinesis only: read through the stream\'s enhanced fan-out consumer of that name (registered when it has none)');
  },
  async run(context, options) {
    const settings = parseOptions(hookOptionsSchema, options);
    const { deployment, sourceArn } = await hookScope(context, options);
    const { mapping, outcome, consumer, defaultedStart } = await hookSource(context, deployment, sourceArn, settings);
    const view = mappingView(mapping);
    const through = consumer ? ` through consumer ${consumer.name}${consumer.outcome === 'unchanged' ? '' : ` (${consumer.outcome})`}` : '';
    const unhookedAt = defaultedStart?.unhookedAt;
    const why = unhookedAt ? ` (unhooked at ${unhookedAt}: new records only; --starting-position TRIM_HORIZON reads the whole stream again)` : '';
    return {
      text:
        `${outcome === 'updated' ? 'updated the hook of' : 'hooked'} ${deployment.functionName} on ${sourceArn}${through}: mapping ${view.uuid}, ${view.state}, ` +
        `batch size ${view.batchSize}, starting position ${view.startingPosition}${why}`,
      data: { ...view, ...(consumer ? { consumerOutcome: consumer.outcome } : {}), ...(unhookedAt ? { unhookedAt } : {}) },
    };
  },
};
