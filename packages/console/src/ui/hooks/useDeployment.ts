import { useEffect, useRef, useState } from 'react';
import type { DestroyOptions } from '../../app/deploy.js';
import type { StepEvent } from '../../app/steps.js';
import { describeError } from '../../errors.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';

export type DeploymentAction = 'deploy' | 'destroy';

/** How a deploy or a destroy ended: undefined while its steps run. */
export interface DeploymentEnding {
  failed: boolean;
  text: string;
}

export interface DeploymentRun {
  /** Destroy asks what to delete first. */
  choosing: boolean;
  /** Each step as it last reported: running, done with its outcome, or failed with its error. */
  steps: readonly StepEvent[];
  ending: DeploymentEnding | undefined;
  start(options?: DestroyOptions): Promise<void>;
}

/** Step events in place: a step keeps its line from running to done or failed. */
function withStep(steps: readonly StepEvent[], event: StepEvent): StepEvent[] {
  const index = steps.findIndex((step) => step.name === event.name);
  return index < 0 ? [...steps, event] : steps.map((step, at) => (at === index ? event : step));
}

/** A deploy (started at once: the app has asked y/N) or a destroy (once told what to delete), its steps as they run, and how it ended. */
export function useDeployment(services: AppServices, action: DeploymentAction, feedback: Feedback): DeploymentRun {
  const { functionName } = services.deployment;
  const [choosing, setChoosing] = useState(action === 'destroy');
  const [steps, setSteps] = useState<StepEvent[]>([]);
  const [ending, setEnding] = useState<DeploymentEnding>();
  const started = useRef(false);

  const start = async (options: DestroyOptions = {}) => {
    if (started.current) return;
    started.current = true;
    setChoosing(false);
    feedback.clear();
    let failedStep: string | undefined;
    let failure: string | undefined;
    const onStep = (event: StepEvent) => {
      if (event.state === 'failed') failedStep = event.name;
      setSteps((list) => withStep(list, event));
    };
    const run = async (): Promise<unknown> => (action === 'deploy' ? services.deploy(onStep) : services.destroy(options, onStep));
    const result = await feedback.attempt(() =>
      run().catch((error: unknown) => {
        failure = describeError(error);
        throw error;
      }),
    );
    if (result === undefined) {
      setEnding({ failed: true, text: `✗ ${action} stopped: ${failedStep ? `${failedStep} failed` : failure}` });
      return;
    }
    const done = `${functionName} ${action === 'deploy' ? 'deployed' : 'destroyed'}`;
    feedback.say(done);
    setEnding({ failed: false, text: `✓ ${done}` });
  };

  useEffect(() => {
    // once, when the screen opens
    if (action === 'deploy') void start();
  }, []);

  return { choosing, steps, ending, start };
}
