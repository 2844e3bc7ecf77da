import { Box, Text, useInput } from 'ink';

/** Step 5: the row as it will be written; Enter registers it. */
export function ReviewStep({ row, registering, onConfirm }: { row: Readonly<Record<string, unknown>> | undefined; registering: boolean; onConfirm: () => void }) {
  useInput(
    (_input, key) => {
      if (key.return) onConfirm();
    },
    { isActive: !registering && row !== undefined },
  );
  return (
    <Box flexDirection="column">
      <Text bold>The row to write</Text>
      {row ? (
        Object.entries(row).map(([field, value]) => (
          <Text key={field} wrap="truncate-end">
            {'  '}
            {field}: {JSON.stringify(value)}
          </Text>
        ))
      ) : (
        <Text color="red">✗ the target is not complete: go back and fix it</Text>
      )}
      <Text dimColor>{registering ? 'registering…' : 'Enter to register · Esc to go back'}</Text>
    </Box>
  );
}
