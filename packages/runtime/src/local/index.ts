import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsClients, type AwsClientDefaults } from '../aws/clients.js';
import { sourceKind } from '../config/schema.js';
import { Fanout } from '../fanout.js';
import { settingsFromEnvironment } from '../settings.js';
import { Http1KinesisClient } from '../targets/kinesis/client.js';
import { FileCheckpoints, MemoryCheckpoints } from './checkpoints.js';
import { dynamodbStreamsReader } from './dynamodb-streams-reader.js';
import { kinesisReader } from './kinesis-reader.js';
import { enabledStreamMappings } from './mappings.js';
import { onFailureSender } from './on-failure.js';
import { LocalPoller } from './poller.js';

export { FileCheckpoints, MemoryCheckpoints, type Checkpoints } from './checkpoints.js';
export { LocalPoller, type LocalPollerOptions } from './poller.js';

export interface LocalModeOptions {
  functionName: string;
  /** The function's region. */
  region: string;
  /** Where checkpoints are kept across restarts; in memory only when unset. */
  checkpointsFile?: string | undefined;
  /** How often mappings and shards are read again. */
  refreshMs?: number | undefined;
  /** The environment the function's own variables are laid over (LOG_LEVEL, …). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Where AWS is, when not where the SDK's own chain says (a local moto), and whose credentials. */
  aws?: AwsClientDefaults | undefined;
  /** Where log lines go (stdout, as in Lambda, unless told); the function's LOG_LEVEL applies. */
  writeLog?: ((line: string) => void) | undefined;
}

export interface LocalMode {
  poller: LocalPoller;
  /** Stops polling and closes the targets' connections. */
  stop(): Promise<void>;
}

/**
 * Runs a deployed fanout function's code outside Lambda: its configuration (environment, timeout,
 * role) is read from Lambda, its enabled event source mappings are polled as Lambda polls them, and
 * each batch goes through the handler's own code path (Fanout.process).
 */
export type DeployedFanoutOptions = Pick<LocalModeOptions, 'functionName' | 'region' | 'env' | 'aws' | 'writeLog'>;

/** The deployed function's code here, set up from its configuration in Lambda (its environment, timeout, role). */
export async function openDeployedFanout({ functionName, region, env = process.env, aws, writeLog }: DeployedFanoutOptions) {
  const clients = new AwsClients(functionName, aws);
  const lambda = clients.get(LambdaClient, { region });
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const settings = settingsFromEnvironment(
    { ...env, ...configuration.Environment?.Variables, AWS_LAMBDA_FUNCTION_NAME: functionName, AWS_REGION: region },
    writeLog,
  );
  return { fanout: new Fanout(settings, clients), settings, clients, lambda, configuration };
}

export async function startLocalMode({ functionName, region, checkpointsFile, refreshMs, env = process.env, aws, writeLog }: LocalModeOptions): Promise<LocalMode> {
  const { fanout, settings, clients, lambda, configuration } = await openDeployedFanout({ functionName, region, env, aws, writeLog });
  const regionOf = (arn: string) => ({ region: arn.split(':')[3]! });
  const poller = new LocalPoller({
    process: (event, remainingTimeMs) => fanout.process(event, remainingTimeMs),
    mappings: () => enabledStreamMappings(lambda, functionName),
    readerFor: (sourceArn) =>
      sourceKind(sourceArn) === 'kinesis'
        ? kinesisReader(clients.get(Http1KinesisClient, regionOf(sourceArn)), sourceArn, configuration.Role ?? '')
        : dynamodbStreamsReader(clients.get(DynamoDBStreamsClient, regionOf(sourceArn)), sourceArn),
    checkpoints: checkpointsFile ? await FileCheckpoints.open(checkpointsFile) : new MemoryCheckpoints(),
    // Lambda's default timeout when the configuration has none
    timeoutMs: (configuration.Timeout ?? 3) * 1000,
    log: settings.log,
    // with the credentials the function's clients have here (the function's role sends in Lambda)
    sendOnFailure: onFailureSender((constructor, destinationRegion) => clients.get(constructor, { region: destinationRegion ?? region })),
    ...(refreshMs !== undefined ? { refreshMs } : {}),
  });
  poller.start();
  return {
    poller,
    stop: async () => {
      await poller.stop();
      await fanout.close();
    },
  };
}
