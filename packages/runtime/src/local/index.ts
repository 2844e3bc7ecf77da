import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsClients, type AwsClientDefaults } from '../aws/clients.js';
import { Fanout } from '../fanout.js';
import { settingsFromEnvironment } from '../settings.js';
import { Http1KinesisClient } from '../targets/kinesis/client.js';
import { enabledStreamMappings } from './mappings.js';
import { startPolling, type LocalMode } from './polling.js';

export { FileCheckpoints, MemoryCheckpoints, type Checkpoints } from './checkpoints.js';
export { LocalPoller, type LocalPollerOptions } from './poller.js';
export type { LocalMode } from './polling.js';
export { InvalidTargetsError, TARGETS_FILE_CHECK_MS } from '../config/targets-file.js';
export {
  startStandaloneRun,
  StreamNotFoundError,
  STANDALONE_DEFAULT_BATCH_SIZE,
  type StandaloneOptions,
  type StandaloneStartingPosition,
  type SourcelessTargetRow,
} from './standalone.js';
export { ShardLags, StatusFile } from './lag.js';
export type { AwsClientDefaults, AwsSdkClient, ClientInstrumentation } from '../aws/clients.js';

export interface LocalModeOptions {
  functionName: string;
  /** The function's region. */
  region: string;
  /** Where checkpoints are kept across restarts; in memory only when unset. */
  checkpointsFile?: string | undefined;
  /** Where the poller's status (each shard's lag) is written while it runs; nowhere when unset. */
  statusFile?: string | undefined;
  /** How often mappings and shards are read again. */
  refreshMs?: number | undefined;
  /** The environment the function's own variables are laid over (LOG_LEVEL, …). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Where AWS is, when not where the SDK's own chain says (a local moto), and whose credentials. */
  aws?: AwsClientDefaults | undefined;
  /** Where log lines go (stdout, as in Lambda, unless told); the function's LOG_LEVEL applies. */
  writeLog?: ((line: string) => void) | undefined;
}

/**
 * Runs a deployed fanout function's code outside Lambda: its configuration (environment, timeout,
 * role) is read from Lambda, its enabled event source mappings are polled as Lambda polls them, and
 * each batch goes through the handler's own code path (Fanout.process).
 */
export type DeployedFanoutOptions = Pick<LocalModeOptions, 'functionName' | 'region' | 'env' | 'aws' | 'writeLog'>;

/** The deployed function's settings, from its configuration in Lambda (its environment, timeout, role). */
async function deployedFanoutSettings({ functionName, region, env = process.env, aws, writeLog }: DeployedFanoutOptions) {
  const clients = new AwsClients(functionName, aws);
  const lambda = clients.get(LambdaClient, { region });
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const settings = settingsFromEnvironment(
    { ...env, ...configuration.Environment?.Variables, AWS_LAMBDA_FUNCTION_NAME: functionName, AWS_REGION: region },
    writeLog,
  );
  return { settings, clients, lambda, configuration };
}

/** The deployed function's code here, set up from its configuration in Lambda. */
export async function openDeployedFanout(options: DeployedFanoutOptions) {
  const deployed = await deployedFanoutSettings(options);
  return { ...deployed, fanout: new Fanout(deployed.settings, deployed.clients) };
}

export async function startLocalMode({ functionName, region, checkpointsFile, statusFile, refreshMs, env = process.env, aws, writeLog }: LocalModeOptions): Promise<LocalMode> {
  const { settings, clients, lambda, configuration } = await deployedFanoutSettings({ functionName, region, env, aws, writeLog });
  return startPolling({
    settings,
    clients,
    status: statusFile === undefined ? undefined : { file: statusFile, name: functionName },
    mappings: () => enabledStreamMappings(lambda, functionName),
    kinesisReaderClient: (sourceArn) => clients.get(Http1KinesisClient, { region: sourceArn.split(':')[3]! }),
    invokeIdentityArn: configuration.Role ?? '',
    region,
    checkpointsFile,
    // Lambda's default timeout when the configuration has none
    timeoutMs: (configuration.Timeout ?? 3) * 1000,
    refreshMs,
  });
}
