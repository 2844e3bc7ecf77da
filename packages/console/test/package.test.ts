import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from './support/console.js';
import { functionConfiguration } from './support/deployment.js';

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, '..');
const workDir = mkdtempSync(join(tmpdir(), 'fanout-console-package-'));
/** Where `npm install -g` puts it: --prefix, so that the user's own global packages stay as they are. */
const globalPrefix = join(workDir, 'global');
/** A directory of the user's, outside the repository, where the console is run. */
const userDir = join(workDir, 'somewhere');
let tarball: string;

/** The environment of a user's shell: the installed console on the PATH, credentials for the local AWS, the machine's certificates, nothing of this repository's. */
function userEnvironment(): NodeJS.ProcessEnv {
  const { PATH, HOME, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE } = process.env;
  return {
    PATH: `${join(globalPrefix, 'bin')}${delimiter}${PATH}`,
    HOME,
    ...(NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS } : {}),
    ...(SSL_CERT_FILE ? { SSL_CERT_FILE } : {}),
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
  };
}

/** `pnpm pack` of the console (its prepack builds it), installed with `npm install -g` as README says. */
beforeAll(async () => {
  await run('pnpm', ['pack', '--pack-destination', workDir], { cwd: packageDir });
  tarball = join(workDir, readdirSync(workDir).find((file) => file.endsWith('.tgz'))!);
  mkdirSync(userDir, { recursive: true });
  await run('npm', ['install', '--global', '--prefix', globalPrefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: userDir, env: userEnvironment() });
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('the packed console, installed from its tarball', () => {
  it('carries what an installed package needs, and nothing of the workspace', async () => {
    const { stdout: files } = await run('tar', ['-tzf', tarball]);
    expect(files.split('\n').filter(Boolean).sort()).toEqual(['package/LICENSE', 'package/bin/fanout-console.js', 'package/dist/cli.js', 'package/dist/fanout.zip', 'package/package.json']);
    const { stdout } = await run('tar', ['-xOzf', tarball, 'package/package.json']);
    const manifest = JSON.parse(stdout) as Record<string, unknown> & { dependencies: Record<string, string> };
    // no scripts (they build from sources left out) and no devDependencies (private workspace packages among them)
    expect(Object.keys(manifest).sort()).toEqual(['bin', 'dependencies', 'description', 'engines', 'files', 'license', 'name', 'type', 'version']);
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect(name).not.toMatch(/^@fanout\//);
      expect(range).toMatch(/^\^?\d+\.\d+\.\d+$/);
    }
  });

  it('runs fanout-console --help', async () => {
    const { stdout } = await run('fanout-console', ['--help'], { cwd: userDir, env: userEnvironment() });
    expect(stdout).toContain('Usage: fanout-console [options] [command]');
    for (const command of ['deploy', 'register', 'list', 'hook', 'destroy']) expect(stdout).toContain(command);
  });

  it('says an AWS error in its one line, as the console run from sources does', async () => {
    const port = await freePort();
    const failed = run('fanout-console', ['--endpoint-url', `http://127.0.0.1:${port}`, '--region', aws.regions[0], 'list', '--table', 'anything'], { cwd: userDir, env: userEnvironment() });
    await expect(failed).rejects.toMatchObject({ code: 1, stdout: '', stderr: `fanout-console: cannot reach 127.0.0.1:${port} (connection refused): check --endpoint-url\n` });
  });

  it('deploys against moto: the function runs the zip shipped in the package', async () => {
    const functionName = uniqueName('packed');
    const { stdout } = await run(
      'fanout-console',
      ['--endpoint-url', aws.endpoint, '--region', aws.regions[0], '--yes', '--output', 'json', 'deploy', '--function', functionName],
      { cwd: userDir, env: userEnvironment() },
    );
    expect(JSON.parse(stdout)).toMatchObject({ functionArn: expect.stringContaining(`:function:${functionName}`) });
    expect(await functionConfiguration(functionName)).toMatchObject({ Handler: 'index.handler', Environment: { Variables: { TARGETS_TABLE: `${functionName}Targets` } } });
  });
});
