import { z } from 'zod';
import { destroyFanout, failureBucketToDelete } from '../app/deploy.js';
import { functionConfiguration, targetsTableNameOf } from '../aws/deployment.js';
import type { Deployment } from '../aws/names.js';
import { progressTableNameOf } from '../aws/progress-table.js';
import type { AwsContext } from '../context.js';
import { formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentWithRoleOptions, deploymentWithRoleOf } from './deployment-options.js';
import { parseOptions } from './options.js';

const destroyOptionsSchema = z.object({ deleteTable: z.boolean().default(false), deleteStore: z.boolean().default(false), deleteRole: z.boolean().default(false) });

/** The tables the function uses, as the question names them: one read of its configuration. */
async function tablesToDelete(context: AwsContext, deployment: Deployment): Promise<string> {
  const configuration = await functionConfiguration(context, deployment.functionName);
  return `the table ${targetsTableNameOf(deployment, configuration)} with its targets, the table ${progressTableNameOf(deployment, configuration)}`;
}

export const destroyCommand: CommandDefinition = {
  name: 'destroy',
  description: 'delete the function, its event source mappings and fanout\'s policy on its role; the tables, the failure store and the role only when asked',
  configure(command) {
    addDeploymentWithRoleOptions(command)
      .option('--delete-table', 'delete the targets table too, with every target in it, and the progress table')
      .option('--delete-store', 'delete the failure store deploy made too (its bucket), only when it is empty')
      .option('--delete-role', 'delete the execution role too, with its policies');
  },
  async run(context, options) {
    const deployment = deploymentWithRoleOf(options);
    const flags = parseOptions(destroyOptionsSchema, options);
    // a store that holds failures is refused before anything is asked or deleted
    const bucket = flags.deleteStore ? await failureBucketToDelete(context, deployment.functionName) : undefined;
    const also = [
      flags.deleteTable ? await tablesToDelete(context, deployment) : '',
      bucket ? `the bucket ${bucket}` : '',
      flags.deleteRole ? `the role ${deployment.roleName}` : '',
    ];
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
