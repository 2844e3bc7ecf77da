import type { Command } from 'commander';
import { z } from 'zod';
import { deployFanout } from '../app/deploy.js';
import { FAILURE_STORE_ARN, FAILURE_STORE_FORMAT, LAMBDA_NODE_RUNTIMES, parseFailureStore } from '@fanout/runtime/config';
import { FUNCTION_DEFAULTS } from '../aws/deployment.js';
import { formatTable } from '../output.js';
import type { CommandDefinition } from './command.js';
import { addDeploymentWithRoleOptions, deploymentWithRoleOf, integerOption } from './deployment-options.js';
import { collectRepeated, parseOptions } from './options.js';

const deployOptionsSchema = z
  .object({
    subnet: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'expected subnet ids (subnet-0123abcd), repeated or comma-separated')).default([]),
    securityGroup: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'expected security group ids (sg-0123abcd), repeated or comma-separated')).default([]),
    memory: integerOption(128, 10_240, 'MiB'),
    timeout: integerOption(1, 900, 'seconds'),
    runtime: z.enum(LAMBDA_NODE_RUNTIMES, { message: `expected a Node.js runtime Lambda supports: ${LAMBDA_NODE_RUNTIMES.join(', ')}` }).optional(),
    failureStore: z
      .string()
      .regex(FAILURE_STORE_ARN, `expected ${FAILURE_STORE_FORMAT}`)
      .transform((arn) => parseFailureStore(arn)!)
      .optional(),
  })
  .superRefine((options, context) => {
    if (options.subnet.length > 0 && options.securityGroup.length === 0) {
      context.addIssue({ code: 'custom', path: ['securityGroup'], message: 'required with --subnet; a function in a VPC needs both' });
    }
    if (options.securityGroup.length > 0 && options.subnet.length === 0) {
      context.addIssue({ code: 'custom', path: ['subnet'], message: 'required with --security-group; a function in a VPC needs both' });
    }
  });

export const deployCommand: CommandDefinition = {
  name: 'deploy',
  description: 'create or update the function, its targets and progress tables, its failure store and its execution role (least privilege)',
  configure(command: Command) {
    addDeploymentWithRoleOptions(command)
      .option('--subnet <ids>', 'run the function in these VPC subnets (repeat, or separate with commas); needs --security-group', collectRepeated)
      .option('--security-group <ids>', 'the function\'s VPC security groups (repeat, or separate with commas); needs --subnet', collectRepeated)
      .option('--memory <MiB>', `the function's memory (on creation: ${FUNCTION_DEFAULTS.memory})`)
      .option('--timeout <seconds>', `the function's timeout (on creation: ${FUNCTION_DEFAULTS.timeout})`)
      .option('--runtime <runtime>', `the function's runtime, one of ${LAMBDA_NODE_RUNTIMES.join(', ')} (on creation: ${FUNCTION_DEFAULTS.runtime})`)
      .option('--failure-store <arn>', 'where the failures of targets that name no store go: an existing SQS queue, SNS topic or S3 bucket ARN (default: the function\'s, else a bucket <function>-failures-ACCOUNT-REGION, created)');
  },
  async run(context, options) {
    const deployment = deploymentWithRoleOf(options);
    const flags = parseOptions(deployOptionsSchema, options);
    const deployed = await deployFanout(context, deployment, {
      runtime: flags.runtime,
      memory: flags.memory,
      timeout: flags.timeout,
      vpc: flags.subnet.length > 0 ? { subnetIds: flags.subnet, securityGroupIds: flags.securityGroup } : undefined,
      failureStore: flags.failureStore,
    });
    return {
      text: formatTable(
        deployed.steps.map((step) => ({ resource: step.resource, name: step.name, outcome: step.outcome, arn: step.arn ?? '' })),
        ['resource', 'name', 'outcome', 'arn'],
      ),
      data: deployed,
    };
  },
};
