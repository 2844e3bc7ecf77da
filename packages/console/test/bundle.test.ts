import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild } from '../scripts/build.js';
import { aws } from './support/console.js';
import { functionConfiguration } from './support/deployment.js';

const packageDir = resolve(import.meta.dirname, '..');
let packageRoot: string;
let built: ConsoleBuild;

/** The package as installed: package.json, dist/ and the dependencies beside it, in a directory of its own. */
beforeAll(async () => {
  packageRoot = mkdtempSync(join(tmpdir(), 'fanout-console-'));
  copyFileSync(join(packageDir, 'package.json'), join(packageRoot, 'package.json'));
  symlinkSync(join(packageDir, 'node_modules'), join(packageRoot, 'node_modules'));
  built = await buildConsole(join(packageRoot, 'dist'), join(packageRoot, 'runtime'));
});

afterAll(() => rmSync(packageRoot, { recursive: true, force: true }));

describe('the bundled console', () => {
  it('carries the runtime inside it and leaves its own dependencies outside', () => {
    const source = readFileSync(built.cliFile, 'utf8');
    expect(source).not.toMatch(/from ["']@fanout\//);
    expect(source).toContain('targetRowSchema');
    expect(source).toMatch(/from ["']@aws-sdk\/client-lambda["']/);
  });

  it('deploys the zip that lies beside it', async () => {
    const name = uniqueName('bundled');
    const env = { ...process.env };
    delete env.FANOUT_RUNTIME_ZIP;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [built.cliFile, '--endpoint-url', aws.endpoint, '--region', aws.regions[0], '--output', 'json', 'deploy', '--function', name],
      { env },
    );
    expect(JSON.parse(stdout)).toMatchObject({ functionArn: `arn:aws:lambda:${aws.regions[0]}:${aws.accounts[0]}:function:${name}` });
    expect((await functionConfiguration(name))?.CodeSha256).toBe(createHash('sha256').update(readFileSync(built.zipFile)).digest('base64'));
  });
});
