import { describeError } from '../errors.js';

export type StepState = 'running' | 'done' | 'failed';

/**
 * One step of a longer action, reported as it starts and as it ends. `name` says what is acted on
 * ("function fanout", "mapping arn:…") and stays the same from `running` to `done` or `failed`, so
 * that a list of steps can be updated in place. `detail` is the outcome when done ("created",
 * "unchanged", …), the error in one line when failed.
 */
export interface StepEvent {
  name: string;
  state: StepState;
  detail?: string;
}

export type OnStep = (event: StepEvent) => void;

export const ignoreSteps: OnStep = () => undefined;

/** Runs `action` as the step `name`, telling `onStep` when it starts and how it ends; its error is rethrown. */
export async function runStep<Result>(onStep: OnStep, name: string, action: () => Promise<Result>, outcomeOf: (result: Result) => string): Promise<Result> {
  onStep({ name, state: 'running' });
  try {
    const result = await action();
    onStep({ name, state: 'done', detail: outcomeOf(result) });
    return result;
  } catch (error) {
    onStep({ name, state: 'failed', detail: describeError(error) });
    throw error;
  }
}
