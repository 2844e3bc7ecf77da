import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { StepEvent } from '../../app/steps.js';
import type { DeploymentEnding } from '../hooks/useDeployment.js';
import { fit } from '../text.js';

export interface DeploymentScreenProps {
  title: string;
  /** Each step as it last reported: running, done with its outcome, or failed with its error. */
  steps: readonly StepEvent[];
  ending: DeploymentEnding | undefined;
  width: number;
  height: number;
  colors: boolean;
}

/** Two characters: the mark of a step's state. */
const MARK_WIDTH = 2;

const BACK = ' · Esc to go back';

/** One line a step: a spinner while it runs, ✓ and its outcome once done, ✗ and its error if it failed. */
function StepLine({ step, width, colors }: { step: StepEvent; width: number; colors: boolean }) {
  const text = fit(step.detail ? `${step.name}  ${step.detail.replace(/\s*\n\s*/g, ' ')}` : step.name, width - MARK_WIDTH);
  if (step.state === 'running') {
    return (
      <Text wrap="truncate-end">
        <Spinner /> {text}
      </Text>
    );
  }
  const done = step.state === 'done';
  return (
    <Text wrap="truncate-end">
      <Text {...(colors ? { color: done ? 'green' : 'red' } : {})}>{done ? '✓' : '✗'}</Text> {text}
    </Text>
  );
}

/** The steps of a deploy or a destroy as they run, then how it ended. Lines are cut to the width, never wrapped. */
export function DeploymentScreen({ title, steps, ending, width, height, colors }: DeploymentScreenProps) {
  // the title and the last line stay; the latest steps fill the rest
  const shown = steps.slice(-Math.max(1, height - 2));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {fit(title, width)}
      </Text>
      {shown.map((step) => (
        <StepLine key={step.name} step={step} width={width} colors={colors} />
      ))}
      {ending ? (
        <Text wrap="truncate-end" {...(colors && ending.failed ? { color: 'red' } : {})}>
          {fit(ending.text, width - BACK.length).trimEnd() + BACK}
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {fit('running… Esc goes back once the steps have finished', width)}
        </Text>
      )}
    </Box>
  );
}
