import { z } from 'zod';
import { deleteFunction, deleteRole, deleteTable, type Step } from '../aws/deployment.js';
import { deleteMapping, functionMappings } from '../aws/mappings.js';
import { formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentWithRoleOptions, deploymentWithRoleOf } from './deployment-options.js';
import { parseOptions } from './options.js';

const destroyOptionsSchema = z.object({ deleteTable: z.boolean().default(false), deleteRole: z.boolean().default(false) });

export const destroyCommand: CommandDefinition = {
  name: 'destroy',
  description: 'delete the function and its event source mappings; the table and the role only when asked',
  configure(command) {
    addDeploymentWithRoleOptions(command)
      .option('--delete-table', 'delete the targets table too, with every target in it')
      .option('--delete-role', 'delete the execution role too, with its policies');
  },
  async run(context, options) {
    const deployment = deploymentWithRoleOf(options);
    const flags = parseOptions(destroyOptionsSchema, options);
    const also = [flags.deleteTable ? `the table ${deployment.tableName} with its targets` : '', flags.deleteRole ? `the role ${deployment.roleName}` : ''];
    const question = `Delete the function ${deployment.functionName} and its event source mappings${also.filter(Boolean).map((what) => `, ${what}`).join('')}?`;
    if (!(await context.confirm(question))) return { text: 'nothing deleted', data: { steps: [] } };

    const steps: Step[] = [];
    for (const mapping of await functionMappings(context, deployment.functionName)) {
      await deleteMapping(context, mapping.UUID!);
      steps.push({ resource: 'mapping', name: mapping.EventSourceArn!, outcome: 'deleted' });
    }
    steps.push(await deleteFunction(context, deployment.functionName));
    if (flags.deleteTable) steps.push(await deleteTable(context, deployment.tableName));
    if (flags.deleteRole) steps.push(await deleteRole(context, deployment.roleName));
    return {
      text: formatTable(
        steps.map((step) => ({ resource: step.resource, name: step.name, outcome: step.outcome })),
        ['resource', 'name', 'outcome'],
      ),
      data: { steps },
    };
  },
};
