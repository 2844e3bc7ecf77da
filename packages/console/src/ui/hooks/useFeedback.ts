import { useCallback, useMemo, useState } from 'react';
import { describeError, isNoCredentials } from '../../errors.js';
import type { Status } from '../components/StatusLine.js';

/** Runs an AWS call of an action: its error reported in the status line, and undefined for it. */
export type Attempt = <Result>(action: () => Promise<Result>) => Promise<Result | undefined>;

export interface Feedback {
  /** The last thing that happened, for the status line. */
  status: Status | undefined;
  /** Says what happened, or what is wrong (`error`: in red, with ✗). */
  say(text: string, kind?: Status['kind']): void;
  /** Says an error in the status line. */
  fail(error: unknown): void;
  /** An error in plain words; one that means no credentials switches the app to the screen saying how to provide them. */
  describe(error: unknown): string;
  clear(): void;
  attempt: Attempt;
  /** Whether an action's AWS call is under way. */
  working: boolean;
  noCredentials: boolean;
}

/** What the status line says and whether credentials are missing: every hook reports its errors here. */
export function useFeedback(): Feedback {
  const [status, setStatus] = useState<Status>();
  const [pending, setPending] = useState(0);
  const [noCredentials, setNoCredentials] = useState(false);

  const describe = useCallback((error: unknown) => {
    if (isNoCredentials(error)) setNoCredentials(true);
    return describeError(error);
  }, []);
  const say = useCallback((text: string, kind: Status['kind'] = 'info') => setStatus({ kind, text }), []);
  const fail = useCallback((error: unknown) => setStatus({ kind: 'error', text: describe(error) }), [describe]);
  const clear = useCallback(() => setStatus(undefined), []);

  const attempt = useCallback<Attempt>(
    async (action) => {
      setPending((count) => count + 1);
      try {
        return await action();
      } catch (error) {
        fail(error);
        return undefined;
      } finally {
        setPending((count) => count - 1);
      }
    },
    [fail],
  );

  return useMemo(
    () => ({ status, say, fail, describe, clear, attempt, working: pending > 0, noCredentials }),
    [status, say, fail, describe, clear, attempt, pending, noCredentials],
  );
}
