import { Box, Text, useInput } from 'ink';

/** The last step: the row as it will be written; Enter writes it. */
export function ReviewStep({ row, saving, action, onConfirm, isActive }: {
  row: Readonly<Record<string, unknown>> | undefined;
  saving: boolean;
  /** What Enter does, in words: "register", "save the change". */
  action: string;
  onConfirm: () => void;
  isActive: boolean;
}) {
  useInput(
    (_input, key) => {
      if (key.return) onConfirm();
    },
    { isActive: isActive && !saving && row !== undefined },
  );
  return (
    <Box flexDirection="column">
      <Text bold>The row to write</Text>
      {row ? (
        Object.entries(row)
          .filter(([, value]) => value !== undefined)
          .map(([field, value]) => (
            <Text key={field} wrap="truncate-end">
              {'  '}
              {field}: {JSON.stringify(value)}
            </Text>
          ))
      ) : (
        <Text color="red">✗ the target is not complete: go back and fix it</Text>
      )}
      <Text dimColor>{saving ? 'writing…' : `Enter to ${action} · Esc to go back`}</Text>
    </Box>
  );
}
