import { unhookSource } from '../app/hooks.js';
import type { CommandDefinition } from './command.js';
import { addHookScopeOptions, hookScope } from './hook-scope.js';

export const unhookCommand: CommandDefinition = {
  name: 'unhook',
  description: 'stop the function reading a source (delete its event source mapping, and the stream consumer hook registered for it)',
  configure(command) {
    addHookScopeOptions(command);
  },
  async run(context, options) {
    const { deployment, sourceArn } = await hookScope(context, options);
    const { uuid, outcome, consumer } = await unhookSource(context, deployment, sourceArn);
    const data = {
      sourceArn,
      functionName: deployment.functionName,
      ...(uuid ? { uuid } : {}),
      outcome,
      ...(consumer ? { consumerName: consumer.name, consumerArn: consumer.arn, consumerOutcome: consumer.outcome } : {}),
    };
    const consumerText = consumer ? `; consumer ${consumer.name} ${consumer.outcome === 'deregistered' ? 'deregistered' : 'kept (hook did not register it)'}` : '';
    return outcome === 'absent'
      ? { text: `${deployment.functionName} is not hooked to ${sourceArn}; nothing to do`, data }
      : { text: `unhooked ${deployment.functionName} from ${sourceArn} (mapping ${uuid} deleted${consumerText})`, data };
  },
};
