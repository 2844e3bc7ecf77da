import { Box, Text } from 'ink';

export interface Status {
  kind: 'info' | 'error';
  text: string;
}

export interface StatusLineProps {
  /** A question waiting for y or another key. */
  question: string | undefined;
  status: Status | undefined;
  /** Reading again what the screen shows, or an action's AWS call under way: said when nothing else is. */
  busy: boolean;
  /** After q: the app is stopping (in --local, the function's code and moto too). */
  stopping: boolean;
  /** The screen's keys, when nothing else is to be said. */
  hint: string;
  /** The screen shown, at the line's right end. */
  screen: string;
}

function Said({ question, status, busy, stopping, hint }: Omit<StatusLineProps, 'screen'>) {
  if (stopping) return <Text bold>stopping…</Text>;
  if (question) return <Text bold wrap="truncate-end">{question} [y/N]</Text>;
  if (status?.kind === 'error') return <Text color="red" wrap="truncate-end">✗ {status.text}</Text>;
  if (status) return <Text dimColor wrap="truncate-end">{status.text}</Text>;
  if (busy) return <Text dimColor>loading…</Text>;
  return <Text dimColor wrap="truncate-end">{hint}</Text>;
}

/** The last thing that happened, one line: errors in plain words, the app goes on; at its right end, the screen shown (a question takes the whole line). */
export function StatusLine({ screen, ...said }: StatusLineProps) {
  if (said.question && !said.stopping) return <Said {...said} />;
  return (
    <Box justifyContent="space-between">
      <Box flexShrink={1}>
        <Said {...said} />
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text dimColor>{screen}</Text>
      </Box>
    </Box>
  );
}
