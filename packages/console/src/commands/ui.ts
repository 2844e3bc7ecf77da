import { deploymentOf } from '../aws/names.js';
import { UsageError } from '../errors.js';
import { DEFAULT_REFRESH_SECONDS } from '../ui/refresh.js';
import type { CommandDefinition } from './command.js';
import { integerOption } from './deployment-options.js';
import { addDeploymentOptions, deploymentOptionsSchema, parseOptions } from './options.js';


const uiOptionsSchema = deploymentOptionsSchema.extend({ refresh: integerOption(1, 3_600, 'seconds') });

export const uiCommand: CommandDefinition = {
  name: 'ui',
  description: 'open the interactive app on a deployment (what fanout-console with no command does, in a terminal)',
  configure(command) {
    addDeploymentOptions(command).option('--refresh <seconds>', `how often the open source's targets and their states are read again (default: ${DEFAULT_REFRESH_SECONDS})`);
  },
  async run(context, options) {
    const flags = parseOptions(uiOptionsSchema, options);
    const deployment = deploymentOf(flags);
    if (!context.canDraw) {
      throw new UsageError('ui: the interactive app needs a terminal (stdin and stdout); in scripts use the commands (list, register, activate, hook, deploy, …; see --help)');
    }
    // Ink and React load only when the app opens
    const { runApp } = await import('../ui/run.js');
    await runApp(context, deployment, { refreshMs: (flags.refresh ?? DEFAULT_REFRESH_SECONDS) * 1_000 });
    return undefined;
  },
};
