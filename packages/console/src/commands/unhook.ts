import { deleteMapping, findMapping } from '../aws/mappings.js';
import { syncPolicy } from '../aws/policy.js';
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
    const mapping = await findMapping(context, deployment.functionName, sourceArn);
    if (!mapping) {
      return {
        text: `${deployment.functionName} is not hooked to ${sourceArn}; nothing to do`,
        data: { sourceArn, functionName: deployment.functionName, outcome: 'absent' },
      };
    }
    await deleteMapping(context, mapping.UUID!);
    await syncPolicy(context, deployment);
    return {
      text: `unhooked ${deployment.functionName} from ${sourceArn} (mapping ${mapping.UUID} deleted)`,
      data: { sourceArn, functionName: deployment.functionName, uuid: mapping.UUID, outcome: 'deleted' },
    };
  },
};
