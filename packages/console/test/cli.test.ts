import { describe, expect, it } from 'vitest';
import { fanoutConsole } from './support/console.js';

describe('fanout-console', () => {
  it('prints its help with --help and exits 0', async () => {
    const { code, out } = await fanoutConsole(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: fanout-console [options] [command]');
    for (const flag of ['--region', '--profile', '--endpoint-url', '--no-verify-ssl', '--debug', '--yes', '--output']) expect(out).toContain(flag);
  });

  it('lists the global flags in each command\'s help too, as the AWS CLI does', async () => {
    for (const command of ['deploy', 'register', 'list', 'hook', 'redrive', 'local']) {
      const { code, out } = await fanoutConsole([command, '--help']);
      expect(code).toBe(0);
      expect(out).toContain('Global Options:');
      for (const flag of ['--region', '--profile', '--endpoint-url', '--no-verify-ssl', '--debug', '--yes', '--output']) expect(out).toContain(flag);
    }
  });

  it.each([
    [['--bogus'], 'fanout-console: --bogus: unknown option (--help lists what it takes)'],
    [['register', 'sqs', '--id', 'x', '--colapse', 'none'], 'fanout-console: --colapse: unknown option; did you mean --collapse? (--help lists what it takes)'],
    [['--output', 'yaml', 'list'], "fanout-console: --output: 'yaml' is invalid: allowed choices are table, json (--help lists what it takes)"],
    [['register', 'sqs'], 'fanout-console: --id: required; pass --id (--help lists what it takes)'],
    [['hook', '--batch-size'], 'fanout-console: --batch-size: expected a value after it (--help lists what it takes)'],
    [['lst'], 'fanout-console: lst: unknown command (--help lists what it takes)'],
    [['list', 'extra'], 'fanout-console: list: takes no arguments, not extra (--help lists what it takes)'],
  ])('refuses %j in one line naming what is wrong, exit 2', async (args, message) => {
    const { code, err, out } = await fanoutConsole(args);
    expect({ code, err, out }).toEqual({ code: 2, err: message, out: '' });
  });
});
