import { DescribeStreamSummaryCommand, ResourceNotFoundException } from '@aws-sdk/client-kinesis';
import { AwsClients, type AwsClientDefaults } from '../aws/clients.js';
import { ENVIRONMENT } from '../config/contracts.js';
import type { TargetsSource } from '../config/loader.js';
import { sourceKind, type TargetRowInput } from '../config/schema.js';
import { FileTargets, FixedTargets, validTargetRows } from '../config/targets-file.js';
import type { Logger } from '../log/logger.js';
import { settingsFromEnvironment } from '../settings.js';
import { Http1KinesisClient } from '../targets/kinesis/client.js';
import { streamMapping } from './mappings.js';
import { startPolling, type LocalMode } from './polling.js';

/** The name a standalone run goes by in its log lines, metrics and assumed-role sessions. */
export const STANDALONE_NAME = 'fanout-standalone';
/** Lambda's default batch size for streams. */
export const STANDALONE_DEFAULT_BATCH_SIZE = 100;
/** How long one batch may take, retries included: what a function's timeout is in Lambda. */
export const STANDALONE_BATCH_TIMEOUT_MS = 60_000;

export type StandaloneStartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** A target of every source of the run, without its `sourceArn`: `--to URL`. */
export type SourcelessTargetRow = Omit<TargetRowInput, 'sourceArn'>;

export interface StandaloneOptions {
  /** The streams read: ARNs (Kinesis or DynamoDB streams) or names of Kinesis streams. */
  streams: readonly string[];
  /** A file of target rows, re-read when it changes; or rows given once (a target of every stream each). */
  targets: { file: string } | { rows: readonly SourcelessTargetRow[]; origin: string };
  region: string;
  checkpointsFile?: string | undefined;
  refreshMs?: number | undefined;
  batchSize?: number | undefined;
  startingPosition?: StandaloneStartingPosition | undefined;
  /** The environment the run's settings come from (LOG_LEVEL, FAILURE_STORE, METRICS_OUTPUT, …). */
  env?: NodeJS.ProcessEnv | undefined;
  aws?: AwsClientDefaults | undefined;
  /** Where the streams are when Kinesis alone is elsewhere (the event forwarder's KINESIS_ENDPOINT). */
  kinesisEndpoint?: string | undefined;
  writeLog?: ((line: string) => void) | undefined;
}

/** A stream named to a standalone run that its endpoint does not have. */
export class StreamNotFoundError extends Error {
  override name = 'StreamNotFoundError';

  constructor(
    readonly stream: string,
    readonly endpoint: string,
  ) {
    super(`no Kinesis stream ${stream} at ${endpoint}`);
  }
}

interface ResolvedStream {
  arn: string;
  addressing: 'arn' | 'name';
}

async function resolveStream(kinesis: Http1KinesisClient, stream: string, endpoint: string): Promise<ResolvedStream> {
  if (sourceKind(stream) !== undefined) return { arn: stream, addressing: 'arn' };
  try {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    return { arn: StreamDescriptionSummary!.StreamARN!, addressing: 'name' };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) throw new StreamNotFoundError(stream, endpoint);
    throw error;
  }
}

function targetsSource(targets: StandaloneOptions['targets'], sourceArns: readonly string[], log: Logger): TargetsSource {
  if ('file' in targets) return new FileTargets(targets.file, sourceArns, log);
  return new FixedTargets(validTargetRows(targets.rows, sourceArns, targets.origin, false), targets.origin);
}

/**
 * fanout without Lambda and without a targets table: the streams named, read as an event source
 * mapping would read them (batch size, starting position, checkpoints kept across restarts), and
 * each batch through the handler's own code path to the targets of a file or of flags.
 */
export async function startStandaloneRun(options: StandaloneOptions): Promise<LocalMode> {
  const { region, env = process.env, aws, kinesisEndpoint } = options;
  const clients = new AwsClients(STANDALONE_NAME, aws);
  const kinesis = clients.get(Http1KinesisClient, { region, endpoint: kinesisEndpoint });
  const endpoint = kinesisEndpoint ?? aws?.endpoint ?? env.AWS_ENDPOINT_URL_KINESIS ?? env.AWS_ENDPOINT_URL ?? `Kinesis in ${region}`;
  const streams = await Promise.all(options.streams.map((stream) => resolveStream(kinesis, stream, endpoint)));
  const sourceArns = [...new Set(streams.map((stream) => stream.arn))];
  const settings = settingsFromEnvironment(
    { [ENVIRONMENT.metricsOutput]: 'none', ...env, AWS_LAMBDA_FUNCTION_NAME: STANDALONE_NAME, AWS_REGION: region },
    options.writeLog,
  );
  const targets = targetsSource(options.targets, sourceArns, settings.log);
  const mappings = streams.map(({ arn }) =>
    streamMapping({
      id: `${STANDALONE_NAME}:${arn}`,
      sourceArn: arn,
      batchSize: options.batchSize ?? STANDALONE_DEFAULT_BATCH_SIZE,
      startingPosition: { type: options.startingPosition ?? 'TRIM_HORIZON' },
      reportsItemFailures: true,
    }),
  );
  const addressing = new Map(streams.map((stream) => [stream.arn, stream.addressing]));
  return startPolling({
    settings: { ...settings, targets },
    clients,
    mappings: () => Promise.resolve(mappings),
    kinesisReaderClient: () => kinesis,
    addressingOf: (sourceArn) => addressing.get(sourceArn) ?? 'arn',
    invokeIdentityArn: '',
    region,
    checkpointsFile: options.checkpointsFile,
    timeoutMs: STANDALONE_BATCH_TIMEOUT_MS,
    refreshMs: options.refreshMs,
  });
}
