import { updateTarget } from '../app/targets.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions, addTargetOptions } from './options.js';
import { changeSentence, targetChangesOf, targetId, targetScope } from './target-flags.js';

export const updateCommand: CommandDefinition = {
  name: 'update',
  description: "change the options or the destination of a target (its type stays); an optional field's flag given as '' removes it",
  configure(command) {
    command.requiredOption('--id <id>', 'the target to change');
    addTargetOptions(addSourceOptions(addDeploymentOptions(command)), 'update');
  },
  async run(context, options) {
    const id = targetId(options);
    const changes = targetChangesOf(options);
    const scope = await targetScope(context, options);
    const updated = await updateTarget(context, scope.deployment, scope.sourceArn, id, changes);
    return { text: await changeSentence(context, scope.deployment, `updated target ${id} of ${scope.sourceArn}`), data: updated };
  },
};
