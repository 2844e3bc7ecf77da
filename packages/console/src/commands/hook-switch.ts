import { mappingView, setMappingEnabled } from '../aws/mappings.js';
import type { CommandDefinition } from './command.js';
import { addHookScopeOptions, existingHook, hookScope } from './hook-scope.js';

/** pause and resume: the same command, switching the mapping off or on. */
export function hookSwitchCommand({ name, description, enabled }: { name: string; description: string; enabled: boolean }): CommandDefinition {
  const state = enabled ? 'Enabled' : 'Disabled';
  const done = enabled ? 'resumed' : 'paused';
  return {
    name,
    description,
    configure(command) {
      addHookScopeOptions(command);
    },
    async run(context, options) {
      const scope = await hookScope(context, options);
      const existing = await existingHook(context, scope);
      const unchanged = existing.State === state;
      const mapping = unchanged ? existing : await setMappingEnabled(context, existing.UUID!, enabled);
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
