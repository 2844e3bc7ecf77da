import { Box, Text } from 'ink';

export interface HeaderProps {
  account?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  functionName: string;
  functionState?: string | undefined;
  tableName: string;
}

/** Always on top: where the app acts. */
export function Header({ account, region, endpoint, functionName, functionState, tableName }: HeaderProps) {
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text bold>fanout</Text> account {account ?? '…'} · {region ?? '…'} · function {functionName} ({functionState ?? '…'}) · table{' '}
        {tableName}
        {endpoint ? ` · endpoint ${endpoint}` : ''}
      </Text>
    </Box>
  );
}
