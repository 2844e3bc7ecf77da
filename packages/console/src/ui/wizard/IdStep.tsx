import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';

/** The target's id, unique within the source. */
export function IdStep({ id, problem, onChange, onSubmit }: { id: string; problem: string | undefined; onChange: (id: string) => void; onSubmit: (id: string) => void }) {
  return (
    <Box flexDirection="column">
      <Text bold>Id of the target</Text>
      <Text>
        id: <TextInput value={id} onChange={onChange} onSubmit={onSubmit} />
      </Text>
      {problem ? <Text color="red">✗ {problem}</Text> : null}
      <Text dimColor>Enter to go on · Esc to go back</Text>
    </Box>
  );
}
