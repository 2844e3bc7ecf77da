import { Text, useInput } from 'ink';
import { useState } from 'react';
import type { Hooking, StartingPosition } from '../hooks/useSources.js';

const POSITIONS: readonly StartingPosition[] = ['LATEST', 'TRIM_HORIZON'];

/**
 * Where a new hook starts, asked on the status line: LATEST (only the records written from now) or
 * TRIM_HORIZON (all the stream holds), the default preselected; ← → (or Tab, space) switch, Enter
 * hooks, Esc does not.
 */
export function StartQuestion({ hooking, onAnswer, isActive }: { hooking: Hooking; onAnswer: (position: StartingPosition | undefined) => void; isActive: boolean }) {
  const [position, setPosition] = useState(hooking.preselected);
  useInput(
    (input, key) => {
      if (key.leftArrow || key.rightArrow || key.tab || input === ' ') setPosition((now) => POSITIONS.find((other) => other !== now)!);
      else if (key.return) onAnswer(position);
      else if (key.escape || input === 'n' || input === 'q') onAnswer(undefined);
    },
    { isActive },
  );
  return (
    <Text bold wrap="truncate-end">
      Hook {hooking.source.name} from{' '}
      {POSITIONS.map((choice) => (choice === position ? `[${choice}]` : ` ${choice} `)).join(' ')}? ← → Enter, Esc
    </Text>
  );
}
