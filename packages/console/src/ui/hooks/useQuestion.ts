import { useInput } from 'ink';
import { useCallback, useState } from 'react';

export interface Question {
  text: string;
  onYes: () => Promise<void> | void;
}

/** Asks `text` [y/N] on the status line; a yes runs `onYes`. */
export type Ask = (text: string, onYes: Question['onYes']) => void;

/**
 * A question waiting for its answer: it takes the next key, y for yes and any other for no, and
 * the screens below it listen to none.
 */
export function useQuestion(onNo: () => void): { question: Question | undefined; ask: Ask } {
  const [question, setQuestion] = useState<Question>();
  const ask = useCallback<Ask>((text, onYes) => setQuestion({ text, onYes }), []);
  useInput(
    (input) => {
      setQuestion(undefined);
      if (input === 'y' || input === 'Y') void question?.onYes();
      else onNo();
    },
    { isActive: question !== undefined },
  );
  return { question, ask };
}
