import { describe, expect, it } from 'vitest';
import type { Terminal } from '../src/context.js';
import { fanoutConsole, testTerminal } from './support/console.js';

/** A terminal that must never be reached: bad input is refused before the app opens. */
const terminal: Terminal = testTerminal({ interactive: true, canDraw: true });

describe('fanout-console ui', () => {
  it.each(['0', '3601', '1.5', 'soon'])('refuses --refresh %s with exit code 2 and one line naming the flag and its range', async (refresh) => {
    const { code, out, err } = await fanoutConsole(['ui', '--function', 'orders', '--refresh', refresh], { terminal });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('fanout-console: --refresh: expected a whole number of seconds from 1 to 3600');
  });

  it('refuses a bad deployment flag as the other commands do', async () => {
    const { code, err } = await fanoutConsole(['ui', '--function', 'no such function'], { terminal });
    expect(code).toBe(2);
    expect(err).toBe('fanout-console: --function: "no such function" is not a Lambda function name (letters, digits, - and _) or ARN');
  });

  it('needs a terminal: without one, or with stdout sent elsewhere, it exits 2 pointing at the commands', async () => {
    // `fanout-console ui > file`: a person can answer questions, but the app cannot draw
    const redirected: Terminal = testTerminal({ interactive: true });
    for (const options of [{}, { terminal: redirected }]) {
      const { code, out, err } = await fanoutConsole(['ui', '--function', 'orders', '--refresh', '1'], options);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.split('\n')).toEqual([
        'fanout-console: ui: the interactive app needs a terminal (stdin and stdout); in scripts use the commands (list, register, activate, hook, deploy, …; see --help)',
      ]);
    }
  });

  it('is listed in the help with its flags; with no command and no terminal, the help is printed', async () => {
    const help = await fanoutConsole(['ui', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--function <name>', '--function-arn <arn>', '--table <name>', '--table-arn <arn>', '--refresh <seconds>']) expect(help.out).toContain(flag);

    const { code, out } = await fanoutConsole([]);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}ui \[options\] +open the interactive app/m);
  });
});
