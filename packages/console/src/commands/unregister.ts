import { unregisterTarget } from '../app/targets.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions } from './options.js';
import { changeSentence, targetId, targetScope } from './target-flags.js';

export const unregisterCommand: CommandDefinition = {
  name: 'unregister',
  description: 'delete a target (asks first in a terminal)',
  configure(command) {
    addSourceOptions(addDeploymentOptions(command.requiredOption('--id <id>', 'the target to delete')));
  },
  async run(context, options) {
    const id = targetId(options);
    const scope = await targetScope(context, options);
    await scope.table.get(scope.sourceArn, id);
    if (!(await context.confirm(`Delete target ${id} of ${scope.sourceArn}?`))) {
      return { text: 'nothing deleted', data: { deleted: false } };
    }
    await unregisterTarget(context, scope.deployment, scope.sourceArn, id);
    return {
      text: await changeSentence(context, scope.deployment, `unregistered target ${id} of ${scope.sourceArn}`),
      data: { deleted: true, sourceArn: scope.sourceArn, id },
    };
  },
};
