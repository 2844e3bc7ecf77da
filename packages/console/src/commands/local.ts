import { z } from 'zod';
import { keepMotoFromRunningFunctions } from '../aws/moto.js';
import { deploymentOf } from '../aws/names.js';
import { UsageError } from '../errors.js';
import { localLogWriter } from '../app/function-log.js';
import { checkpointsFileFor, localLogFileFor, localStatusFileFor } from '../state-files.js';
import type { CommandDefinition } from './command.js';
import { integerOption } from './deployment-options.js';
import { parseOptions } from './options.js';

/** How often the function's mappings and their shards are read again, unless --refresh says otherwise. */
const DEFAULT_REFRESH_SECONDS = 5;

const localOptionsSchema = z.object({
  function: z.string().optional(),
  functionArn: z.string().optional(),
  checkpoints: z.string().min(1, 'expected a file path').optional(),
  refresh: integerOption(1, 3_600, 'seconds'),
});

export const localCommand: CommandDefinition = {
  name: 'local',
  description: 'run the function\'s code here instead of in Lambda: poll the streams hooked to it and deliver to its targets, until Ctrl-C',
  configure(command) {
    command
      .option('--function <name>', 'the fanout function whose configuration, hooks and targets are used (default: fanout)')
      .option('--function-arn <arn>', 'the fanout function, by ARN')
      .option('--checkpoints <file>', 'where the last record delivered of each shard is kept, to go on from there after a restart (default: $XDG_STATE_HOME/fanout/checkpoints/REGION/FUNCTION.json)')
      .option('--refresh <seconds>', `how often the hooks and the shards are read again (default: ${DEFAULT_REFRESH_SECONDS})`);
  },
  async run(context, options) {
    const flags = parseOptions(localOptionsSchema, options);
    const { functionName } = deploymentOf(flags);
    // the SDK says "Region is missing" when neither --region, AWS_REGION nor the profile gives one
    const region = await context.aws.region().catch((error: unknown) => {
      if (error instanceof Error && /Region is missing/i.test(error.message)) return '';
      throw error;
    });
    if (!region) throw new UsageError('--region: no region; pass --region or set AWS_REGION');
    const checkpointsFile = flags.checkpoints ?? checkpointsFileFor(region, functionName);
    const endpoint = context.aws.endpoint();
    // a moto with Docker would run the function too, and deliver every record a second time
    if (endpoint) await keepMotoFromRunningFunctions(new URL(endpoint), context.aws.options.verifySsl);
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
      if ((error as Error).name === 'ResourceNotFoundException') throw new UsageError(`--function: no function ${functionName} in ${region}; run fanout-console deploy first, or pass --function`);
      throw error;
    });
    context.io.err(`polling the streams hooked to ${functionName} in ${region} (checkpoints in ${checkpointsFile}, log in ${logFile}); Ctrl-C to stop`);
    await context.interrupted();
    await local.stop();
    return { text: `stopped polling for ${functionName}`, data: { functionName, region, checkpointsFile, logFile } };
  },
};
