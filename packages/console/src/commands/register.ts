import { TARGET_TYPE_NAMES } from '@fanout/runtime/config';
import { registerTarget } from '../app/targets.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentOptions, addSourceOptions, addTargetOptions } from './options.js';
import { targetLine } from '../app/target-rows.js';
import { changeSentence, targetId, targetInputOf, targetScope, targetType } from './target-flags.js';

export const registerCommand: CommandDefinition = {
  name: 'register',
  description: `register a target of a source (inactive unless --active); TYPE is ${new Intl.ListFormat('en-GB', { type: 'disjunction' }).format(TARGET_TYPE_NAMES)}`,
  configure(command) {
    command.argument('<type>', 'the target type').requiredOption('--id <id>', 'the target\'s id, unique per source');
    addTargetOptions(addSourceOptions(addDeploymentOptions(command)), 'register');
  },
  async run(context, options, args) {
    const type = targetType(args);
    const id = targetId(options);
    const input = targetInputOf(options);
    const scope = await targetScope(context, options);
    const target = await registerTarget(context, scope.deployment, { sourceArn: scope.sourceArn, id, type, ...input });
    const line = targetLine(target);
    return {
      text: await changeSentence(context, scope.deployment, `registered ${type} target ${id} of ${scope.sourceArn}: ${line.destination} (${target.active ? 'active' : 'inactive'})`),
      data: target,
    };
  },
};
