import { z } from 'zod';
import { planRedrive, redriveQuestion, redriveSummary, redriveTarget } from '../app/redrive.js';
import type { CommandDefinition } from './command.js';
import { integerOption } from './deployment-options.js';
import { addDeploymentOptions, addSourceOptions, parseOptions } from './options.js';
import { targetId, targetScope } from './target-flags.js';

const redriveOptionsSchema = z.object({ max: integerOption(1, 1_000_000, 'failures') });

export const redriveCommand: CommandDefinition = {
  name: 'redrive',
  description: 'send the failures a target\'s store holds back to the target, oldest first, through the function\'s code run here (asks first in a terminal)',
  configure(command) {
    addSourceOptions(addDeploymentOptions(command.requiredOption('--id <id>', 'the target whose failures to send again')));
    command.option('--max <n>', 'send at most this many failures, oldest first (default: all)');
  },
  async run(context, options) {
    const id = targetId(options);
    const { max } = parseOptions(redriveOptionsSchema, options);
    const scope = await targetScope(context, options);
    const plan = await planRedrive(context, scope.deployment, scope.sourceArn, id);
    if (!(await context.confirm(redriveQuestion(plan)))) {
      return { text: 'nothing sent', data: { ...plan, delivered: 0, failedAgain: 0, remaining: plan.stored ?? null } };
    }
    // the function's log lines go to stderr: stdout is for the result
    const result = await redriveTarget(context, scope.deployment, plan, { max, writeLog: (line) => context.io.err(line) });
    return {
      text: `redrove target ${id} of ${scope.sourceArn}: ${redriveSummary(result)}`,
      data: result,
    };
  },
};
