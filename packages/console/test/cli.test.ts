import { describe, expect, it } from 'vitest';
import { fanoutConsole } from './support/console.js';

describe('fanout-console', () => {
  it('prints its help with --help and exits 0', async () => {
    const { code, out } = await fanoutConsole(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: fanout-console [options] [command]');
    for (const flag of ['--region', '--profile', '--endpoint-url', '--no-verify-ssl', '--debug', '--yes', '--output']) expect(out).toContain(flag);
  });

  it('rejects an unknown option with exit code 2', async () => {
    const { code, err } = await fanoutConsole(['--bogus']);
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--bogus'");
  });

  it('rejects an unknown --output format naming the choices', async () => {
    const { code, err } = await fanoutConsole(['--output', 'yaml', 'list']);
    expect(code).toBe(2);
    expect(err).toContain("option '--output <format>' argument 'yaml' is invalid. Allowed choices are table, json.");
  });
});
