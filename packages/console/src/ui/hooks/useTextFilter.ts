import type { Key } from 'ink';
import { useCallback, useMemo, useState } from 'react';

export interface TextFilter {
  /** The filter typed after `/` (undefined: none). */
  text: string | undefined;
  /** Whether it is being typed: it takes the keys until Enter or Esc. */
  typing: boolean;
  set(text: string | undefined, typing: boolean): void;
  /**
   * A key of the screen's list: `/` starts a filter, Esc clears it; while it is typed, every key is
   * its own (Enter keeps it, Esc drops it, Backspace takes a character back). True when it took the key.
   * Keys that reach the app together are one input: `/` and what follows it start the filter with that text.
   */
  take(input: string, key: Key): boolean;
}

/** The filter of a list, typed after `/`, as the sources and the targets screens have it; `onChange` runs on every change (the selection goes back to the top). */
export function useTextFilter(onChange: () => void): TextFilter {
  const [text, setText] = useState<string>();
  const [typing, setTyping] = useState(false);
  const set = useCallback(
    (value: string | undefined, typed: boolean) => {
      setText(value);
      setTyping(typed);
      onChange();
    },
    [onChange],
  );
  const take = useCallback(
    (input: string, key: Key) => {
      if (typing) {
        const typed = text ?? '';
        if (key.escape) set(undefined, false);
        else if (key.return) set(typed, false);
        else if (key.backspace || key.delete) set(typed.slice(0, -1), true);
        else if (input && !key.ctrl && !key.meta) set(typed + input, true);
        return true;
      }
      if (input.startsWith('/') && !key.ctrl && !key.meta) set(input.slice(1), true);
      else if (key.escape && text !== undefined) set(undefined, false);
      else return false;
      return true;
    },
    [typing, text, set],
  );
  return useMemo(() => ({ text, typing, set, take }), [text, typing, set, take]);
}
