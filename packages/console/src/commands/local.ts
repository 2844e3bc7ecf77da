import type { StandaloneStartingPosition, SourcelessTargetRow } from '@fanout/runtime/local';
import { z } from 'zod';
import { keepMotoFromRunningFunctions } from '../aws/moto.js';
import { deploymentOf } from '../aws/names.js';
import { localLogWriter } from '../app/function-log.js';
import type { CommandContext } from '../context.js';
import { NotFoundError, UsageError, errorKind } from '../errors.js';
import { checkpointsFileFor, localLogFileFor, localStatusFileFor } from '../state-files.js';
import type { CommandDefinition } from './command.js';
import type { CommandResult } from '../output.js';
import { integerOption } from './deployment-options.js';
import { LOCAL_CREDENTIALS, credentialsNamed } from './local-demo.js';
import { collectRepeated, parseOptions } from './options.js';

/** How often the function's mappings and their shards are read again, unless --refresh says otherwise. */
const DEFAULT_REFRESH_SECONDS = 5;
/** The region of a standalone run against a local Kinesis when nothing names one: any does for an emulator. */
const STANDALONE_LOCAL_REGION = 'us-east-1';
/** The checkpoints file of standalone runs, per region: their mappings are named by stream, so runs of other streams share it. */
const STANDALONE_CHECKPOINTS_NAME = 'standalone';

const localOptionsSchema = z.object({
  function: z.string().optional(),
  functionArn: z.string().optional(),
  checkpoints: z.string().min(1, 'expected a file path').optional(),
  refresh: integerOption(1, 3_600, 'seconds'),
  stream: z.array(z.string()).default([]),
  sourceArn: z.array(z.string()).default([]),
  targets: z.string().min(1, 'expected a file of target rows (JSON or YAML)').optional(),
  to: z
    .url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL to POST each record to' })
    .optional(),
  batchSize: integerOption(1, 10_000, 'records'),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST'], { message: 'expected TRIM_HORIZON or LATEST' }).optional(),
});
type LocalFlags = z.output<typeof localOptionsSchema>;

/** The region commands act in, or undefined when nothing names one. */
async function regionOrNone(context: CommandContext): Promise<string | undefined> {
  return context.aws.region().catch((error: unknown) => {
    if (errorKind(error) === 'no-region') return undefined;
    throw error;
  });
}

async function runDeployed(context: CommandContext, flags: LocalFlags): Promise<CommandResult> {
  const { functionName } = deploymentOf(flags);
  const region = await context.aws.region();
  const checkpointsFile = flags.checkpoints ?? checkpointsFileFor(region, functionName);
  const endpoint = context.aws.endpoint();
  // a moto with Docker would run the function too, and deliver every record a second time
  if (endpoint) await keepMotoFromRunningFunctions(new URL(endpoint), { session: context.aws, verifySsl: context.aws.options.verifySsl });
  // the runtime's code, bundled in the console; loaded only for this command
  const { startLocalMode } = await import('@fanout/runtime/local');
  const logFile = localLogFileFor(region, functionName);
  const writeToFile = localLogWriter(logFile);
  const local = await startLocalMode({
    functionName,
    region,
    checkpointsFile,
    // where the app finds this function's lag and log while it runs here
    statusFile: localStatusFileFor(region, functionName),
    refreshMs: (flags.refresh ?? DEFAULT_REFRESH_SECONDS) * 1_000,
    aws: context.aws.clientDefaults(),
    // stdout is for the command's result: the runtime's JSON log lines go to stderr, and to the file the app's log pane reads
    writeLog: (line) => {
      context.io.err(line);
      writeToFile(line);
    },
  }).catch((error: unknown) => {
    if ((error as Error).name === 'ResourceNotFoundException') throw new NotFoundError(`--function: no function ${functionName} in ${region}; run fanout-console deploy first, or pass --function`);
    // the runtime's clients tell their own errors as the console's do (clientDefaults' instrumentation)
    throw error;
  });
  context.io.err(`polling the streams hooked to ${functionName} in ${region} (checkpoints in ${checkpointsFile}, log in ${logFile}); Ctrl-C to stop`);
  await context.interrupted();
  await local.stop();
  return { text: `stopped polling for ${functionName}`, data: { functionName, region, checkpointsFile, logFile } };
}

/**
 * The streams of a standalone run: --stream and --source-arn, else STREAM_NAME (the event
 * forwarder's), comma-separated names allowed.
 */
function standaloneStreams(flags: LocalFlags): string[] {
  const given = [...flags.stream, ...flags.sourceArn];
  return given.length > 0 ? given : collectRepeated(process.env.STREAM_NAME ?? '');
}

/** `--to URL`: an http target of every stream, a POST a record with the Kinesis record as its body, one after the other in order (the event forwarder's). */
function forwardingRow(url: string): SourcelessTargetRow {
  return { id: 'to', type: 'http', destination: url, active: true, collapse: 'none', parallel: false };
}

async function runStandalone(context: CommandContext, flags: LocalFlags): Promise<CommandResult> {
  if (flags.function || flags.functionArn) {
    throw new UsageError(`${flags.function ? '--function' : '--function-arn'}: a run with --targets or --to uses no function; leave it out, or leave --targets and --to out to run the function's own targets`);
  }
  if (flags.targets && flags.to) throw new UsageError('--to: a run takes --targets FILE or --to URL, not both');
  if (!flags.targets && !flags.to) throw new UsageError('--targets: --stream and --source-arn name the streams of a run without a function; give its targets with --targets FILE or --to URL');
  const streams = standaloneStreams(flags);
  if (streams.length === 0) throw new UsageError('--stream: a run with --targets or --to reads the streams named; pass --stream NAME or --source-arn ARN (or set STREAM_NAME)');
  const kinesisEndpoint = process.env.KINESIS_ENDPOINT || undefined;
  const localKinesis = Boolean(kinesisEndpoint ?? context.aws.endpoint());
  // an emulator takes any region; otherwise the SDK's own "no region" stands
  const region = localKinesis ? ((await regionOrNone(context)) ?? STANDALONE_LOCAL_REGION) : await context.aws.region();
  const checkpointsFile = flags.checkpoints ?? checkpointsFileFor(region, STANDALONE_CHECKPOINTS_NAME);
  const clientDefaults = context.aws.clientDefaults();
  // the event forwarder needed no AWS credentials for a local Kinesis: an emulator takes any keys
  const aws = kinesisEndpoint && !clientDefaults.credentials && !credentialsNamed(context.aws.options.profile)
    ? { ...clientDefaults, credentials: () => Promise.resolve(LOCAL_CREDENTIALS) }
    : clientDefaults;
  const { startStandaloneRun, InvalidTargetsError, StreamNotFoundError } = await import('@fanout/runtime/local');
  const run = await startStandaloneRun({
    streams,
    targets: flags.targets ? { file: flags.targets } : { rows: [forwardingRow(flags.to!)], origin: '--to' },
    region,
    checkpointsFile,
    refreshMs: (flags.refresh ?? DEFAULT_REFRESH_SECONDS) * 1_000,
    batchSize: flags.batchSize,
    startingPosition: flags.startingPosition as StandaloneStartingPosition | undefined,
    aws,
    kinesisEndpoint,
    writeLog: (line) => context.io.err(line),
  }).catch((error: unknown) => {
    if (error instanceof InvalidTargetsError) throw new UsageError(error.origin === '--to' ? `--to: ${error.problems.join('; ')}` : `--targets: ${error.message}`);
    if (error instanceof StreamNotFoundError) {
      throw new NotFoundError(`--stream: ${error.message}; create it, or check ${kinesisEndpoint ? 'KINESIS_ENDPOINT' : '--endpoint-url'} and --region`);
    }
    throw error;
  });
  const to = flags.targets ? `the targets in ${flags.targets}` : flags.to!;
  context.io.err(`forwarding ${streams.join(', ')} to ${to} (checkpoints in ${checkpointsFile}); Ctrl-C to stop`);
  await context.interrupted();
  await run.stop();
  return { text: `stopped forwarding ${streams.join(', ')}`, data: { streams, region, checkpointsFile } };
}

export const localCommand: CommandDefinition = {
  name: 'local',
  description:
    "run the function's code here instead of in Lambda: poll the streams hooked to it and deliver to its targets, until Ctrl-C; or, with --targets or --to, forward streams with no function and no targets table",
  configure(command) {
    command
      .option('--function <name>', 'the fanout function whose configuration, hooks and targets are used (default: fanout)')
      .option('--function-arn <arn>', 'the fanout function, by ARN')
      .option('--checkpoints <file>', 'where the last record delivered of each shard is kept, to go on from there after a restart (default: $XDG_STATE_HOME/fanout/checkpoints/REGION/FUNCTION.json, or standalone.json)')
      .option('--refresh <seconds>', `how often the hooks and the shards are read again (default: ${DEFAULT_REFRESH_SECONDS})`)
      .option('--stream <name>', 'without a function: a Kinesis stream to read, by name or ARN (repeat, or separate with commas; default: $STREAM_NAME)', collectRepeated)
      .option('--source-arn <arn>', 'without a function: a stream to read, by ARN (a Kinesis stream or a DynamoDB table\'s stream; repeat)', collectRepeated)
      .option('--targets <file>', 'without a function: the targets, a JSON or YAML list of rows in the targets table\'s schema (read again when it changes)')
      .option('--to <url>', 'without a function: one http target, each record POSTed to the URL as its Kinesis record')
      .option('--batch-size <n>', 'without a function: records a batch at most (1 to 10000, default 100)')
      .option('--starting-position <position>', 'without a function: where a shard without a checkpoint is read from, TRIM_HORIZON (default) or LATEST');
  },
  async run(context, options) {
    const flags = parseOptions(localOptionsSchema, options);
    const standalone = flags.targets !== undefined || flags.to !== undefined || flags.stream.length > 0 || flags.sourceArn.length > 0;
    return standalone ? runStandalone(context, flags) : runDeployed(context, flags);
  },
};
