import { fanoutVariables, functionConfiguration } from '../aws/deployment.js';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';

/**
 * How long after a change to a target's row (register, update, activate, deactivate,
 * unregister) the function sees it, in seconds: the function keeps a source's targets for its
 * CONFIG_TTL_SECONDS before it reads the table again (the runtime's default, 60, when unset, and
 * when there is no function yet).
 */
export async function changesSeenWithinSeconds(context: AwsContext, deployment: Deployment): Promise<number> {
  return fanoutVariables(await functionConfiguration(context, deployment.functionName)).configTtlSeconds;
}

/** When a change takes effect, in words: `the function sees it within 60 s`. */
export function takesEffectText(seconds: number): string {
  return seconds === 0 ? 'the function sees it at its next batch' : `the function sees it within ${seconds} s`;
}
