import { render } from 'ink';
import type { AwsContext } from '../context.js';
import type { Deployment } from '../aws/names.js';
import { App } from './App.js';
import { appServices } from './services.js';

export interface RunAppOptions {
  /** How often the open source's targets are read again. */
  refreshMs?: number;
  /** How often their metrics are read again. */
  metricsRefreshMs?: number;
  /** What stops with the app (in --local, the function's code here), while it says `stopping…`. */
  onQuit?: () => Promise<void>;
}

/** Cursor home, the whole screen erased: the alternate screen has no scrollback to keep. */
const CLEAR_SCREEN = '\u001B[H\u001B[2J';

/**
 * Opens the interactive app in the terminal's alternate screen, as vim and less do: whatever way it
 * ends (q, Ctrl-C, SIGTERM, an error), Ink leaves that screen and the terminal shows what it showed
 * before, with no frame of the app in the scrollback. On a resize the screen is erased before Ink
 * draws the frame at the new size (the status line's right end moves, so a new frame is always
 * drawn), so that no line of an earlier frame stays. Resolves when the user quits.
 */
export async function runApp(context: AwsContext, deployment: Deployment, options: RunAppOptions = {}): Promise<void> {
  const { stdout } = process;
  // added before Ink's own listener: the screen is erased, then Ink draws
  const clear = () => stdout.write(CLEAR_SCREEN);
  stdout.on('resize', clear);
  try {
    const app = render(<App services={appServices(context, deployment)} colors={!process.env.NO_COLOR} {...options} />, {
      alternateScreen: true,
      // Ctrl-C quits as q does: what stops with the app stops first
      exitOnCtrlC: false,
    });
    await app.waitUntilExit();
  } finally {
    stdout.off('resize', clear);
  }
}
