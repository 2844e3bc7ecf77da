import { Text } from 'ink';

export interface Status {
  kind: 'info' | 'error';
  text: string;
}

/** The last thing that happened, one line: errors in plain words, the app goes on. */
export function StatusLine({ status, loading, question }: { status?: Status | undefined; loading: boolean; question?: string | undefined }) {
  if (question) return <Text bold wrap="truncate-end">{question} [y/N]</Text>;
  if (status?.kind === 'error') return <Text color="red" wrap="truncate-end">✗ {status.text}</Text>;
  if (loading) return <Text dimColor>loading…</Text>;
  return <Text dimColor wrap="truncate-end">{status?.text ?? '? for keys · q to quit'}</Text>;
}
