import { unhookSource } from '../app/hooks.js';
import type { CommandDefinition } from './command.js';
import { addHookScopeOptions, hookScope } from './hook-scope.js';

export const unhookCommand: CommandDefinition = {
  name: 'unhook',
  description: 'stop the function reading a source (delete its event source mapping)',
  configure(command) {
    addHookScopeOptions(command);
  },
  async run(context, options) {
    const { deployment, sourceArn } = await hookScope(context, options);
    const { uuid, outcome } = await unhookSource(context, deployment, sourceArn);
    const data = { sourceArn, functionName: deployment.functionName, ...(uuid ? { uuid } : {}), outcome };
    return outcome === 'absent'
      ? { text: `${deployment.functionName} is not hooked to ${sourceArn}; nothing to do`, data }
      : { text: `unhooked ${deployment.functionName} from ${sourceArn} (mapping ${uuid} deleted)`, data };
  },
};
