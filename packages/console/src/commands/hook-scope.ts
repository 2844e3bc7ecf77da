import type { Command } from 'commander';
import { functionConfiguration } from '../aws/deployment.js';
import { deploymentOf, type Deployment } from '../aws/names.js';
import { resolveSourceArn } from '../aws/sources.js';
import type { CommandContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { addDeploymentOptions, addSourceOptions, deploymentOptionsSchema, parseOptions, sourceOptionsSchema } from './options.js';

/** What hook, unhook, pause and resume act on: the function, and the stream it reads. */
export interface HookScope {
  deployment: Deployment;
  sourceArn: string;
}

export function addHookScopeOptions(command: Command): Command {
  return addSourceOptions(addDeploymentOptions(command));
}

/** The function and the source; the function must exist. */
export async function hookScope(context: CommandContext, options: Record<string, unknown>): Promise<HookScope> {
  const deployment = deploymentOf(parseOptions(deploymentOptionsSchema, options));
  const sourceArn = await resolveSourceArn(context, parseOptions(sourceOptionsSchema, options));
  if (!(await functionConfiguration(context, deployment.functionName))) {
    throw new NotFoundError(`--function: no function ${deployment.functionName} in ${await context.aws.region()}; run fanout-console deploy first`);
  }
  return { deployment, sourceArn };
}
