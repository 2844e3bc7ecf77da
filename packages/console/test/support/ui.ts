import { WAIT_CEILING_MS } from '@fanout/testbed';

/** Keys as a terminal sends them. */
export const KEYS = { enter: '\r', up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', escape: '\u001B', backspace: '\u007F' };

/** Types into the app as a person does: one key, then the app draws. */
export async function press(app: { stdin: { write(data: string): void } }, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the app's last frame satisfies the check (the app loads from AWS as it goes). */
export async function frameWhere(lastFrame: () => string | undefined, check: (frame: string) => boolean, what: string, timeoutMs = WAIT_CEILING_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`the app never showed ${what}; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Types text as a paste: one read, which a text input or a filter takes whole. */
export async function type(app: { stdin: { write(data: string): void } }, text: string): Promise<void> {
  await press(app, text);
}
