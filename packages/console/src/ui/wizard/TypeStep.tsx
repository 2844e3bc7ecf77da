import { TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';

const ITEMS = TARGET_TYPE_NAMES.map((name) => ({ label: name, value: name }));

/** What kind of target. */
export function TypeStep({ type, onSelect }: { type: TargetTypeName | undefined; onSelect: (type: TargetTypeName) => void }) {
  return (
    <Box flexDirection="column">
      <Text bold>Type of the target</Text>
      <SelectInput items={ITEMS} initialIndex={type ? Math.max(0, TARGET_TYPE_NAMES.indexOf(type)) : 0} onSelect={(item) => onSelect(item.value)} />
    </Box>
  );
}
