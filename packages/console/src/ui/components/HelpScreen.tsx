import { Box, Text } from 'ink';

/** Every key of the app, by screen. */
const KEYS: ReadonlyArray<{ keys: string; does: string; where: string }> = [
  { keys: '↑ ↓  j k', does: 'move', where: 'everywhere' },
  { keys: 'Enter', does: 'open', where: 'everywhere' },
  { keys: 'Esc', does: 'go back; clear the filter', where: 'everywhere' },
  { keys: '/', does: 'filter by name as you type (Enter keeps it)', where: 'sources' },
  { keys: 'r', does: 'refresh now', where: 'everywhere' },
  { keys: '?', does: 'this help', where: 'everywhere' },
  { keys: 'q', does: 'quit', where: 'everywhere' },
  { keys: 'space', does: 'switch the target on or off', where: 'targets' },
  { keys: 'n', does: 'register a new target, step by step (Esc goes back a step)', where: 'targets' },
  { keys: 'e', does: 'change the target: where, destination, options (Esc goes back a step)', where: 'targets' },
  { keys: 'x', does: 'unregister the target (asks first)', where: 'targets' },
  { keys: 'p', does: 'pause or resume the source\'s hook', where: 'sources, targets' },
  { keys: 'h', does: 'hook the source to the function, or unhook it (asks first)', where: 'sources, targets' },
  { keys: 'd', does: 'deploy the function: role, table, function, policy (asks first)', where: 'sources' },
  { keys: 'X', does: 'destroy the function; asks what else to delete (table, role)', where: 'sources' },
];

export function HelpScreen() {
  const keyWidth = Math.max(...KEYS.map((key) => key.keys.length));
  const whereWidth = Math.max(...KEYS.map((key) => key.where.length));
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.map((key) => (
        <Text key={`${key.keys}-${key.where}`}>
          {key.keys.padEnd(keyWidth)}  {key.where.padEnd(whereWidth)}  {key.does}
        </Text>
      ))}
      <Text dimColor>Esc or ? to close</Text>
    </Box>
  );
}
