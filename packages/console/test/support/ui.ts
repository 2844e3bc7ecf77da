import { WAIT_CEILING_MS } from '@fanout/testbed';
import { expect } from 'vitest';

/** Keys as a terminal sends them. */
export const KEYS = { enter: '\r', up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', escape: '\u001B', backspace: '\u007F' };

/** Types into the app as a person does: one key, then the app draws. */
export async function press(app: { stdin: { write(data: string): void } }, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Turns of the event loop after which React has run the effects of what it last drew. A frame is
 * written when React commits; the key listeners of what it shows (`useInput`) are attached by its
 * effects, which its scheduler runs on the next turns (setImmediate). A key typed in between, as
 * a busy machine makes likely, would reach no listener: a person never types that fast.
 */
const EFFECT_TURNS = 3;

async function effectsRun(): Promise<void> {
  for (let turn = 0; turn < EFFECT_TURNS; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until the app's last frame satisfies the check (the app loads from AWS as it goes), and the app listens to the keys of that frame. */
export async function frameWhere(lastFrame: () => string | undefined, check: (frame: string) => boolean, what: string, timeoutMs = WAIT_CEILING_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (check(frame)) {
      await effectsRun();
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`the app never showed ${what}; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Types text as a paste: one read, which a text input or a filter takes whole. */
export async function type(app: { stdin: { write(data: string): void } }, text: string): Promise<void> {
  await press(app, text);
}

/** The terminal of an app rendered by ink-testing-library made this size, as a resize of the window does. */
export function resize(app: { stdout: NodeJS.EventEmitter }, columns: number, rows: number): void {
  Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
  app.stdout.emit('resize');
}

/** Whether a frame fits a terminal of this size: no more lines than its rows, none longer than its columns. */
export const fitsIn = (columns: number, rows: number) => (frame: string) => {
  const lines = frame.split('\n');
  return lines.length <= rows && lines.every((line) => line.length <= columns);
};

/** Checks that a frame fits a terminal of this size, naming the line that does not. */
export function expectFits(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
}
