import { Box, Text, useApp, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import { useEffect, useRef, useState } from 'react';
import type { DestroyOptions } from '../../app/deploy.js';
import type { StepEvent } from '../../app/steps.js';
import { describeError } from '../../errors.js';
import type { Status } from '../components/StatusLine.js';
import type { AppServices } from '../services.js';
import { fit } from '../text.js';
import { DeploymentScreen, type DeploymentEnding } from './DeploymentScreen.js';

export type DeploymentAction = 'deploy' | 'destroy';

export interface DeploymentFlowProps {
  services: AppServices;
  /** deploy runs at once (the app has asked y/N); destroy first asks what to delete. */
  action: DeploymentAction;
  /** Runs an AWS call the way the app does: loading shown, an error in the status line and undefined. */
  attempt: <Result>(action: () => Promise<Result>) => Promise<Result | undefined>;
  onStatus: (status: Status | undefined) => void;
  /** Esc once it has finished (or cancelled): back to the sources. */
  onClose: () => void;
  width: number;
  height: number;
  colors: boolean;
}

const CANCEL = 'cancel';

/** What destroy may delete, least first; the first choice keeps the tables and the targets, the failure store and the role. */
const DESTROY_CHOICES: ReadonlyArray<{ label: string; value: DestroyOptions | typeof CANCEL }> = [
  { label: 'the function and its hooks (keep the tables, the failure store and the role)', value: {} },
  { label: '… and the targets table, with every target in it, and the progress table', value: { deleteTable: true } },
  { label: '… the tables, the failure store (only if empty) and the role', value: { deleteTable: true, deleteStore: true, deleteRole: true } },
  { label: CANCEL, value: CANCEL },
];

/** Step events in place: a step keeps its line from running to done or failed. */
function withStep(steps: readonly StepEvent[], event: StepEvent): StepEvent[] {
  const index = steps.findIndex((step) => step.name === event.name);
  return index < 0 ? [...steps, event] : steps.map((step, at) => (at === index ? event : step));
}

/**
 * Deploys or destroys the function, a line a step. While the steps run, keys do nothing (Esc
 * included): the action always finishes where it can be seen. Then Esc goes back.
 */
export function DeploymentFlow({ services, action, attempt, onStatus, onClose, width, height, colors }: DeploymentFlowProps) {
  const { exit } = useApp();
  const { functionName, tableName, roleName } = services.deployment;
  const [choosing, setChoosing] = useState(action === 'destroy');
  const [steps, setSteps] = useState<StepEvent[]>([]);
  const [ending, setEnding] = useState<DeploymentEnding>();
  const started = useRef(false);

  const start = async (options: DestroyOptions = {}) => {
    if (started.current) return;
    started.current = true;
    setChoosing(false);
    onStatus(undefined);
    let failedStep: string | undefined;
    let failure: string | undefined;
    const onStep = (event: StepEvent) => {
      if (event.state === 'failed') failedStep = event.name;
      setSteps((list) => withStep(list, event));
    };
    const run = async (): Promise<unknown> => (action === 'deploy' ? services.deploy(onStep) : services.destroy(options, onStep));
    const result = await attempt(() =>
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
    onStatus({ kind: 'info', text: done });
    setEnding({ failed: false, text: `✓ ${done}` });
  };

  useEffect(() => {
    // once, when the screen opens
    if (action === 'deploy') void start();
  }, []);

  const cancel = () => {
    onStatus({ kind: 'info', text: 'nothing deleted' });
    onClose();
  };

  useInput((input, key) => {
    if (choosing) {
      if (key.escape) cancel();
      return;
    }
    if (!ending) return;
    if (key.escape) onClose();
    else if (input === 'q') exit();
  });

  if (choosing) {
    return (
      <Box flexDirection="column">
        <Text bold wrap="truncate-end">
          {fit(`Destroy ${functionName}: delete what?`, width)}
        </Text>
        <Text dimColor wrap="truncate-end">
          {fit(`its hooks are its event source mappings · table ${tableName} · role ${roleName}`, width)}
        </Text>
        <SelectInput
          // the indicator takes two characters
          items={DESTROY_CHOICES.map((choice) => ({ ...choice, key: choice.label, label: fit(choice.label, width - 2).trimEnd() }))}
          initialIndex={DESTROY_CHOICES.length - 1}
          onSelect={(item) => (item.value === CANCEL ? cancel() : void start(item.value))}
        />
        <Text dimColor wrap="truncate-end">
          {fit('↑ ↓ to move · Enter to choose · Esc to cancel', width)}
        </Text>
      </Box>
    );
  }
  return (
    <DeploymentScreen
      title={`${action === 'deploy' ? 'Deploying' : 'Destroying'} ${functionName}`}
      steps={steps}
      ending={ending}
      width={width}
      height={height}
      colors={colors}
    />
  );
}
