import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';

/** The target's id, unique within the source. */
export function IdStep({ id, problem, onChange, onSubmit, isActive }: {
  id: string;
  problem: string | undefined;
  onChange: (id: string) => void;
  onSubmit: (id: string) => void;
  isActive: boolean;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>Id of the target</Text>
      <Text>
        id: <TextInput value={id} focus={isActive} onChange={onChange} onSubmit={onSubmit} />
      </Text>
      {problem ? <Text color="red">✗ {problem}</Text> : null}
      <Text dimColor>Enter to go on · Esc to go back</Text>
    </Box>
  );
}
