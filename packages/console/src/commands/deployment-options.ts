import type { Command } from 'commander';
import { z } from 'zod';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { addDeploymentOptions, deploymentOptionsSchema, parseOptions } from './options.js';

/** The deployment flags of the commands that also act on the function's role and progress table: deploy and destroy. */
export function addDeploymentWithRoleOptions(command: Command): Command {
  return addDeploymentOptions(command)
    .option('--exec-role <name>', 'the function\'s execution role (default: <function>Role)')
    .option('--exec-role-arn <arn>', 'the function\'s execution role, by ARN')
    .option('--progress-table <name>', 'the table of per-target progress and state (default: the function\'s PROGRESS_TABLE, else <function>Progress)');
}

const deploymentWithRoleSchema = deploymentOptionsSchema.extend({
  execRole: z.string().optional(),
  execRoleArn: z.string().optional(),
  progressTable: z.string().optional(),
});

export function deploymentWithRoleOf(options: Record<string, unknown>): Deployment {
  return deploymentOf(parseOptions(deploymentWithRoleSchema, options));
}

/** An optional whole-number flag; commander gives it as a string. */
export function integerOption(min: number, max: number, unit: string) {
  const message = `expected a whole number of ${unit} from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }).optional();
}
