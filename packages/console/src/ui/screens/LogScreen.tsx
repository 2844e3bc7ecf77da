import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { LogLine } from '../../app/function-log.js';
import { Notice } from '../components/Notice.js';
import type { FunctionLogView } from '../hooks/useFunctionLog.js';

export interface LogScreenProps {
  /** The target the pane can narrow to (`t`), when it was opened on one. */
  targetId: string | undefined;
  log: FunctionLogView;
  onBack: () => void;
  isActive: boolean;
  width: number;
  height: number;
  colors: boolean;
}

/** The pane's title line. */
const CHROME_LINES = 1;

const LEVEL_COLOR: Record<string, string> = { error: 'red', warn: 'yellow', debug: 'gray' };

/** A line as the pane shows it: its time of day, its level, the target it is about, its message, its other fields. */
function lineText(line: LogLine): string {
  const time = line.time?.slice(11, 19) ?? '        ';
  const fields = Object.entries(line.fields).map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, (line.level ?? '').padEnd(5), line.target ? `[${line.target}]` : '', line.message, ...fields].filter(Boolean).join(' ');
}

/**
 * The function's recent log lines, newest last, read again as they come: every line, or (`t`) the
 * target's only. ↑ ↓ scroll back and forth, End (or G) goes back to the newest.
 */
export function LogScreen({ targetId, log, onBack, isActive, width, height, colors }: LogScreenProps) {
  // how many lines above the newest the pane's last line is
  const [back, setBack] = useState(0);
  const lines = log.value?.lines ?? [];
  const rows = Math.max(1, height - CHROME_LINES);
  const most = Math.max(0, lines.length - rows);
  useInput(
    (input, key) => {
      if (key.escape) onBack();
      else if (key.upArrow || input === 'k') setBack((now) => Math.min(most, now + 1));
      else if (key.downArrow || input === 'j') setBack((now) => Math.max(0, now - 1));
      else if (key.pageUp) setBack((now) => Math.min(most, now + rows));
      else if (key.pageDown) setBack((now) => Math.max(0, now - rows));
      else if (input === 'G') setBack(0);
      else if (input === 't' && targetId) {
        setBack(0);
        log.switchTarget();
      } else if (input === 'r') void log.reload();
    },
    { isActive },
  );
  const place = log.value?.place;
  const where = place ? (place.kind === 'local' ? place.file : place.logGroup) : '';
  const scope = log.onlyTarget ? `target ${targetId}` : 'all targets';
  const end = lines.length - Math.min(back, most);
  const shown = lines.slice(Math.max(0, end - rows), end);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        log: {scope}
        <Text dimColor>
          {back > 0 ? ` · ${back} newer below (G)` : ''}
          {targetId ? ` · t: ${log.onlyTarget ? 'all targets' : `only ${targetId}`}` : ''} · {where}
        </Text>
      </Text>
      {lines.length === 0 ? (
        <Notice
          loading={log.value === undefined && !log.error ? "loading… the function's log" : ''}
          error={log.value === undefined ? log.error && `could not read the log: ${log.error}` : undefined}
          empty={log.onlyTarget ? `no line about ${targetId} in the log yet` : 'no line in the log yet'}
        />
      ) : null}
      {shown.map((line, offset) => (
        <Text key={`${end - shown.length + offset}`} wrap="truncate-end" {...(colors && line.level && LEVEL_COLOR[line.level] ? { color: LEVEL_COLOR[line.level] } : {})}>
          {lineText(line).slice(0, Math.max(1, width))}
        </Text>
      ))}
    </Box>
  );
}
