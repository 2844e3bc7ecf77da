import { syncPolicy } from '../aws/policy.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions, addTargetOptions } from './options.js';
import { targetId, targetScope, updatedTargetRow } from './target-rows.js';
import { storedTarget } from './stored-target.js';

export const updateCommand: CommandDefinition = {
  name: 'update',
  description: 'change the options or the destination of a target (its type stays)',
  configure(command) {
    command.requiredOption('--id <id>', 'the target to change');
    addTargetOptions(addSourceOptions(addDeploymentOptions(command)));
  },
  async run(context, options) {
    const id = targetId(options);
    const scope = await targetScope(context, options);
    const updated = await updatedTargetRow(context, await storedTarget(scope, id), options);
    await scope.table.replace(updated);
    await syncPolicy(context, scope.deployment);
    return { text: `updated target ${id} of ${scope.sourceArn}`, data: updated };
  },
};
