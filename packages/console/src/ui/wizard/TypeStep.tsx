import { TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import { Box, Text } from 'ink';
import { FilterList, matching } from '../components/FilterList.js';
import type { ListState } from './state.js';

const ITEMS = TARGET_TYPE_NAMES.map((name) => ({ label: name, type: name }));

/** What kind of target: the runtime's type names, narrowed as you type. */
export function TypeStep({ list, onList, onSelect, isActive, height }: {
  list: ListState;
  onList: (list: ListState) => void;
  onSelect: (type: TargetTypeName) => void;
  isActive: boolean;
  height: number;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>Type of the target</Text>
      <FilterList items={matching(ITEMS, list.filter)} filter={list.filter} cursor={list.cursor} onChange={onList} onPick={(item) => onSelect(item.type)} isActive={isActive} height={height - 3} />
      <Text dimColor wrap="truncate-end">type to filter · ↑ ↓ to move · Enter to choose · Esc to cancel</Text>
    </Box>
  );
}
