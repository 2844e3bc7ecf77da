import { setActive } from '../app/targets.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions } from './options.js';
import { changeSentence, targetId, targetScope } from './target-flags.js';

function activationCommand(active: boolean): CommandDefinition {
  const verb = active ? 'activate' : 'deactivate';
  return {
    name: verb,
    description: active ? 'start delivering to a target' : 'stop delivering to a target (its row stays)',
    configure(command) {
      addSourceOptions(addDeploymentOptions(command.requiredOption('--id <id>', `the target to ${verb}`)));
    },
    async run(context, options) {
      const id = targetId(options);
      const scope = await targetScope(context, options);
      const target = await setActive(context, scope.deployment, scope.sourceArn, id, active);
      return { text: await changeSentence(context, scope.deployment, `${verb}d target ${id} of ${scope.sourceArn}`), data: target };
    },
  };
}

export const activateCommand = activationCommand(true);
export const deactivateCommand = activationCommand(false);
