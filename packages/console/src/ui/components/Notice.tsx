import { Box, Text } from 'ink';

/**
 * What a screen shows in place of its list when it has none to show: still loading, nothing there,
 * or why it could not be read (with how to try again).
 */
export function Notice({ loading, error, empty }: { loading: string; error: string | undefined; empty: string }) {
  if (error) {
    return (
      <Box flexDirection="column">
        <Text color="red" wrap="truncate-end">
          ✗ {error}
        </Text>
        <Text dimColor>r to try again</Text>
      </Box>
    );
  }
  return (
    <Text dimColor wrap="truncate-end">
      {loading || empty}
    </Text>
  );
}
