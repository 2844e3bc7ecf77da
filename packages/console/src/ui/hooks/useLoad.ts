import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<Value> {
  /** What was read last; undefined until the first read ends. */
  value: Value | undefined;
  /** Why the first read failed, in words: the screen says it in place of what it would show. */
  error: string | undefined;
  /** Whether a read is under way. */
  loading: boolean;
  /** Reads again now; resolves with what was read, undefined if it failed. */
  reload(): Promise<Value | undefined>;
  /** Changes what is shown until the next read (an action's outcome, shown at once). */
  update(change: (value: Value) => Value): void;
}

export interface LoadOptions {
  /** Reads again this often, unless paused. */
  refreshMs?: number | undefined;
  paused?: boolean | undefined;
  describe: (error: unknown) => string;
  /** A read that fails once something is shown: the screen keeps it, the status line says why. */
  onLaterError: (error: unknown) => void;
}

/**
 * What `load` reads, read when the screen opens and again every `refreshMs`. A new `load` (another
 * source) starts from nothing; an answer for an earlier `load` is dropped.
 */
export function useLoad<Value>(load: (() => Promise<Value>) | undefined, { refreshMs, paused, describe, onLaterError }: LoadOptions): Loaded<Value> {
  const [value, setValue] = useState<Value>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(0);
  const current = useRef(load);
  const shown = useRef(false);
  const reporting = useRef({ describe, onLaterError });
  reporting.current = { describe, onLaterError };

  const read = useCallback(async (): Promise<Value | undefined> => {
    if (!load) return undefined;
    setPending((count) => count + 1);
    try {
      const answer = await load();
      if (current.current !== load) return undefined;
      shown.current = true;
      setValue(() => answer);
      setError(undefined);
      return answer;
    } catch (failure) {
      if (current.current !== load) return undefined;
      if (shown.current) reporting.current.onLaterError(failure);
      else setError(reporting.current.describe(failure));
      return undefined;
    } finally {
      setPending((count) => count - 1);
    }
  }, [load]);

  useEffect(() => {
    current.current = load;
    shown.current = false;
    setValue(undefined);
    setError(undefined);
    void read();
  }, [load, read]);

  useEffect(() => {
    if (!load || paused || !refreshMs) return;
    const timer = setInterval(() => void read(), refreshMs);
    return () => clearInterval(timer);
  }, [load, paused, refreshMs, read]);

  const update = useCallback((change: (value: Value) => Value) => setValue((old) => (old === undefined ? old : change(old))), []);
  return { value, error, loading: pending > 0, reload: read, update };
}
