import { setHookEnabled } from '../app/hooks.js';
import { mappingView } from '../aws/mappings.js';
import type { CommandDefinition } from './command.js';
import { addHookScopeOptions, hookScope } from './hook-scope.js';

/** pause and resume: the same command, switching the mapping off or on. */
export function hookSwitchCommand({ name, description, enabled }: { name: string; description: string; enabled: boolean }): CommandDefinition {
  const done = enabled ? 'resumed' : 'paused';
  return {
    name,
    description,
    configure(command) {
      addHookScopeOptions(command);
    },
    async run(context, options) {
      const scope = await hookScope(context, options);
      const { mapping, outcome } = await setHookEnabled(context, scope.deployment, scope.sourceArn, enabled);
      const unchanged = outcome === 'unchanged';
      const view = mappingView(mapping);
      return {
        text: unchanged
          ? `${scope.deployment.functionName} on ${scope.sourceArn} is already ${done} (mapping ${view.uuid} is ${view.state})`
          : `${done} ${scope.deployment.functionName} on ${scope.sourceArn} (mapping ${view.uuid} is ${view.state})`,
        data: { ...view, outcome: unchanged ? 'unchanged' : 'updated' },
      };
    },
  };
}
