import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { WAIT_CEILING_MS } from '@fanout/testbed';

/**
 * A program in a pseudo-terminal, drawn by a terminal emulator (xterm.js, headless): what a person
 * would see on the screen, line by line, whichever buffer (normal or alternate) the program draws in.
 */
export interface Screen {
  /** The lines on screen, trailing spaces cut. */
  lines(): Promise<string[]>;
  /**
   * Which buffer is shown: the alternate one while a full-screen program runs. Like the lines,
   * read once the emulator has parsed all the program wrote: it parses on a timer of its own, which
   * a busy machine delays past the program's exit.
   */
  buffer(): Promise<'normal' | 'alternate'>;
  /** Every line of the normal buffer, its scrollback included. */
  normalLines(): Promise<string[]>;
  type(...keys: string[]): Promise<void>;
  /** Resizes the terminal, then tells the program (SIGWINCH), as a terminal window does. */
  resize(columns: number, rows: number): void;
  /** Waits until the screen satisfies the check; its lines. */
  shows(check: (lines: readonly string[]) => boolean, what: string): Promise<string[]>;
  signal(name: NodeJS.Signals): void;
  exited: Promise<number>;
  dispose(): void;
}

export function openScreen(command: string, args: readonly string[], { columns, rows, env, before = '' }: { columns: number; rows: number; env: NodeJS.ProcessEnv; before?: string }): Screen {
  const terminal = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true, scrollback: 1_000 });
  // what the terminal showed before the program started, as a shell's prompt would be
  terminal.write(before);
  const child = pty.spawn(command, [...args], { name: 'xterm-256color', cols: columns, rows, env: env as Record<string, string> });
  child.onData((data) => terminal.write(data));
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  const written = () => new Promise<void>((resolve) => terminal.write('', resolve));
  const linesOf = (buffer: xterm.IBuffer, from: number, count: number) =>
    Array.from({ length: count }, (_, row) => buffer.getLine(from + row)?.translateToString(true) ?? '');
  const lines = async () => {
    await written();
    const buffer = terminal.buffer.active;
    return linesOf(buffer, buffer.viewportY, terminal.rows);
  };
  return {
    lines,
    buffer: async () => {
      await written();
      return terminal.buffer.active.type;
    },
    normalLines: async () => {
      await written();
      return linesOf(terminal.buffer.normal, 0, terminal.buffer.normal.length);
    },
    type: async (...keys) => {
      for (const key of keys) {
        child.write(key);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    resize: (newColumns, newRows) => {
      terminal.resize(newColumns, newRows);
      child.resize(newColumns, newRows);
    },
    shows: async (check, what) => {
      const deadline = Date.now() + WAIT_CEILING_MS;
      for (;;) {
        const shown = await lines();
        if (check(shown)) return shown;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${what}; it showed:\n${shown.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    signal: (name) => child.kill(name),
    exited,
    dispose: () => {
      try {
        child.kill();
      } catch {
        // already gone
      }
      terminal.dispose();
    },
  };
}
