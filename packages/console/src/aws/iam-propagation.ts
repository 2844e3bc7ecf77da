import { setTimeout as sleep } from 'node:timers/promises';

const PROPAGATION_TIMEOUT_MS = 60_000;
const FIRST_DELAY_MS = 1_000;
const LONGEST_DELAY_MS = 8_000;

/** How Lambda refuses a role it cannot use yet, or a role whose new policy it does not see yet. */
function isPropagationDelay(error: unknown): boolean {
  return error instanceof Error && error.name === 'InvalidParameterValueException' && /role|permission|cannot access|not authorized/i.test(error.message);
}

/**
 * IAM is eventually consistent: for some seconds after a role is created or its policy changed,
 * Lambda refuses to create a function with it, or a mapping that needs the new rights. Retries
 * `action` while that is the error, for up to a minute.
 */
export async function retryWhileIamPropagates<Result>(action: () => Promise<Result>): Promise<Result> {
  const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, LONGEST_DELAY_MS)) {
    try {
      return await action();
    } catch (error) {
      if (!isPropagationDelay(error) || Date.now() + delay > deadline) throw error;
      await sleep(delay);
    }
  }
}
