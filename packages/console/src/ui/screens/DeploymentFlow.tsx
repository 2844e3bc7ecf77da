import { Box, Text, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import type { DestroyOptions } from '../../app/deploy.js';
import { useDeployment, type DeploymentAction } from '../hooks/useDeployment.js';
import type { Feedback } from '../hooks/useFeedback.js';
import type { AppServices } from '../services.js';
import { fit } from '../text.js';
import { DeploymentScreen } from './DeploymentScreen.js';

export interface DeploymentFlowProps {
  services: AppServices;
  /** deploy runs at once (the app has asked y/N); destroy first asks what to delete. */
  action: DeploymentAction;
  feedback: Feedback;
  /** Esc once it has finished (or cancelled): back to the sources. */
  onClose: () => void;
  onQuit: () => void;
  isActive: boolean;
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

/**
 * Deploys or destroys the function, a line a step. While the steps run, keys do nothing (Esc and q
 * included): the action always finishes where it can be seen. Then Esc goes back, q quits.
 */
export function DeploymentFlow({ services, action, feedback, onClose, onQuit, isActive, width, height, colors }: DeploymentFlowProps) {
  const { functionName, tableName, roleName } = services.deployment;
  const run = useDeployment(services, action, feedback);

  const cancel = () => {
    onClose();
    feedback.say('nothing deleted');
  };

  useInput(
    (input, key) => {
      if (run.choosing) {
        if (key.escape) cancel();
        return;
      }
      if (!run.ending) return;
      if (key.escape) onClose();
      else if (input === 'q') onQuit();
    },
    { isActive },
  );

  if (run.choosing) {
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
          isFocused={isActive}
          onSelect={(item) => (item.value === CANCEL ? cancel() : void run.start(item.value))}
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
      steps={run.steps}
      ending={run.ending}
      width={width}
      height={height}
      colors={colors}
    />
  );
}
