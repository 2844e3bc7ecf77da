import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../scripts/build.js';
import { aws } from './support/console.js';
import { functionConfiguration } from './support/deployment.js';

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, '..');
const workDir = mkdtempSync(join(tmpdir(), 'fanout-console-package-'));
const installDir = join(workDir, 'project');

/** The environment of a user's shell: credentials for the local AWS, the machine's certificates, nothing of this repository's. */
function userEnvironment(): NodeJS.ProcessEnv {
  const { PATH, HOME, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE } = process.env;
  return {
    PATH,
    HOME,
    ...(NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS } : {}),
    ...(SSL_CERT_FILE ? { SSL_CERT_FILE } : {}),
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
  };
}

/** `pnpm pack` of the console, installed with npm into an empty directory, as a user installs it. */
beforeAll(async () => {
  await buildConsole();
  await run('pnpm', ['pack', '--pack-destination', workDir], { cwd: packageDir });
  const tarball = readdirSync(workDir).find((file) => file.endsWith('.tgz'))!;
  rmSync(installDir, { recursive: true, force: true });
  await run('mkdir', ['-p', installDir]);
  writeFileSync(join(installDir, 'package.json'), '{ "name": "a-user-project", "private": true }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(workDir, tarball)], { cwd: installDir, env: userEnvironment() });
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the packed console, installed from its tarball', () => {
  it('runs npx fanout-console --help', async () => {
    const { stdout } = await run('npx', ['fanout-console', '--help'], { cwd: installDir, env: userEnvironment() });
    expect(stdout).toContain('Usage: fanout-console [options] [command]');
    for (const command of ['deploy', 'register', 'list', 'hook', 'destroy']) expect(stdout).toContain(command);
  });

  it('deploys against moto: the function runs the zip shipped in the package', async () => {
    const functionName = uniqueName('packed');
    const { stdout } = await run(
      'npx',
      ['fanout-console', '--endpoint-url', aws.endpoint, '--region', aws.regions[0], '--yes', '--output', 'json', 'deploy', '--function', functionName],
      { cwd: installDir, env: userEnvironment() },
    );
    expect(JSON.parse(stdout)).toMatchObject({ functionArn: expect.stringContaining(`:function:${functionName}`) });
    expect(await functionConfiguration(functionName)).toMatchObject({ Handler: 'index.handler', Environment: { Variables: { TARGETS_TABLE: `${functionName}Targets` } } });
  });
});
