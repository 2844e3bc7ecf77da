import { Box, Text } from 'ink';

/** Every key of the app, by screen ("lists": the sources and the targets). */
const KEYS: ReadonlyArray<{ keys: string; does: string; where: string }> = [
  { keys: '↑ ↓  j k', does: 'move', where: 'lists' },
  { keys: 'Enter', does: 'open the source\'s targets; the target in full', where: 'lists' },
  { keys: 'l  t', does: 'the function\'s log; t: all lines / the target\'s', where: 'targets' },
  { keys: 'Esc', does: 'go back; clear the filter', where: 'all' },
  { keys: '/  s', does: 'filter as you type (Enter keeps it); s: sort targets', where: 'lists' },
  { keys: 'r', does: 'read again now', where: 'lists' },
  { keys: '?', does: 'this help', where: 'lists' },
  { keys: 'q Ctrl-C', does: 'quit (Ctrl-C anywhere)', where: 'lists' },
  { keys: 'space', does: 'switch the target on or off', where: 'targets' },
  { keys: 'n', does: 'register a new target with the wizard', where: 'targets' },
  { keys: 'e', does: 'change the target with the wizard', where: 'targets' },
  { keys: 'x', does: 'unregister the target (asks y/N)', where: 'targets' },
  { keys: 'R', does: 'redrive: send its stored failures back to it (y/N)', where: 'targets' },
  { keys: 'p', does: 'pause or resume the source\'s hook', where: 'lists' },
  { keys: 'h', does: 'hook (asks where from: ← → Enter), unhook (y/N)', where: 'lists' },
  { keys: 'd  X', does: 'deploy (y/N); destroy the function (asks what else)', where: 'sources' },
  { keys: 'y', does: 'yes; any other key is no', where: 'questions' },
  { keys: '↑ ↓  Tab', does: 'move; type to filter a list', where: 'wizard' },
  { keys: 'space ← →', does: 'change a toggle or a choice', where: 'wizard' },
  { keys: 'Enter Esc', does: 'next step; back a step, keeping what was typed', where: 'wizard' },
];

export function HelpScreen() {
  const keyWidth = Math.max(...KEYS.map((key) => key.keys.length));
  const whereWidth = Math.max(...KEYS.map((key) => key.where.length));
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {KEYS.map((key) => (
        <Text key={`${key.keys}-${key.where}`} wrap="truncate-end">
          {key.keys.padEnd(keyWidth)}  {key.where.padEnd(whereWidth)}  {key.does}
        </Text>
      ))}
      <Text dimColor>Esc or ? to close</Text>
    </Box>
  );
}
