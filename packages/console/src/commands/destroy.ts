import { z } from 'zod';
import { destroyFanout } from '../app/deploy.js';
import { formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentWithRoleOptions, deploymentWithRoleOf } from './deployment-options.js';
import { parseOptions } from './options.js';

const destroyOptionsSchema = z.object({ deleteTable: z.boolean().default(false), deleteRole: z.boolean().default(false) });

export const destroyCommand: CommandDefinition = {
  name: 'destroy',
  description: 'delete the function, its event source mappings and fanout\'s policy on its role; the table and the role only when asked',
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

    const steps = await destroyFanout(context, deployment, flags);
    return {
      text: formatTable(
        steps.map((step) => ({ resource: step.resource, name: step.name, outcome: step.outcome })),
        ['resource', 'name', 'outcome'],
      ),
      data: { steps },
    };
  },
};
