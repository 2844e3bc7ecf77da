import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { motoRequests, uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { NO_VERIFY_SSL_WARNING } from '../src/context.js';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { useFreshRuntimeZip } from './support/deployment.js';
import { createQueue, createStream, secondAccount } from './support/destination-resources.js';
import { selfSignedProxy, type TlsProxy } from './support/tls-proxy.js';

interface Captured {
  code: number;
  out: string;
  err: string;
}

const noTerminal = testTerminal();

/** Runs the CLI in-process with these environment variables set for the run (and restored after). */
async function withEnvironment(env: Record<string, string | undefined>, args: string[]): Promise<Captured> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = await run(args, { out: (text) => out.push(text), err: (text) => err.push(text) }, noTerminal);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Any command that must reach AWS: listing a table that does not exist answers exit 2 "no table" once it did. */
const reachesAws = (table: string) => ['list', '--table', table];
const reachedAws = (result: Captured, table: string) =>
  expect(result).toMatchObject({ code: 2, err: `fanout-console: --table: no table ${table}; run fanout-console deploy first, or pass --table` });

const workDir = mkdtempSync(join(tmpdir(), 'fanout-console-options-'));

describe('AWS CLI conventions', () => {
  it('takes the endpoint from AWS_ENDPOINT_URL when --endpoint-url is not given', async () => {
    const table = uniqueName('viaEnvironment');
    reachedAws(await withEnvironment({ AWS_ENDPOINT_URL: aws.endpoint, AWS_REGION: aws.regions[0] }, reachesAws(table)), table);
  });

  it('reads the credentials of --profile from the shared credentials file', async () => {
    const credentialsFile = join(workDir, 'credentials');
    const accessKeyId = `AKIAPROFILE${Date.now()}`.slice(0, 20);
    writeFileSync(credentialsFile, `[fanout-test]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = secret\n`);
    const table = uniqueName('viaProfile');
    const result = await withEnvironment(
      { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(workDir, 'no-config'), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      ['--endpoint-url', aws.endpoint, '--region', aws.regions[0], '--profile', 'fanout-test', ...reachesAws(table)],
    );
    reachedAws(result, table);
    const signedWithProfile = motoRequests(aws, /^\/$/).filter((request) => request.headers.Authorization?.includes(`Credential=${accessKeyId}/`));
    expect(signedWithProfile.length).toBeGreaterThan(0);
  });

  it('says in plain words when no credentials can be found, with exit code 1', async () => {
    const result = await withEnvironment(
      {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'none'),
        AWS_CONFIG_FILE: join(workDir, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      ['--endpoint-url', aws.endpoint, '--region', aws.regions[0], ...reachesAws('anything')],
    );
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'fanout-console: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile',
    });
  });

  it('says so when no region is set anywhere, with exit code 1', async () => {
    const result = await withEnvironment(
      { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_CONFIG_FILE: join(workDir, 'none') },
      ['--endpoint-url', aws.endpoint, ...reachesAws('anything')],
    );
    expect(result).toMatchObject({ code: 1, err: 'fanout-console: no AWS region: pass --region or set AWS_REGION (or a region in your profile)' });
  });

  describe('--no-verify-ssl', () => {
    let proxy: TlsProxy;
    let endpoint: string;

    beforeAll(async () => {
      proxy = await selfSignedProxy(aws.endpoint);
      ({ endpoint } = proxy);
    });

    afterAll(() => proxy.close());

    it('refuses an endpoint whose certificate cannot be verified, and reaches it with --no-verify-ssl', async () => {
      const table = uniqueName('viaTls');
      const verified = await withEnvironment({}, ['--endpoint-url', endpoint, '--region', aws.regions[0], ...reachesAws(table)]);
      expect(verified.code).toBe(1);
      expect(verified.err).toMatch(/self[- ]signed certificate/i);
      const unverified = await withEnvironment({}, ['--endpoint-url', endpoint, '--region', aws.regions[0], '--no-verify-ssl', ...reachesAws(table)]);
      // reached, and warned about, first
      expect(unverified.err.split('\n')).toEqual([NO_VERIFY_SSL_WARNING, `fanout-console: --table: no table ${table}; run fanout-console deploy first, or pass --table`]);
      expect(unverified.code).toBe(2);
    });
  });
});

describe('--debug', () => {
  useFreshRuntimeZip();
  const functionName = uniqueName('debug');
  let stream: string;

  /*
   * moto does not check signatures: the console runs as a process of its own (its real stdout and
   * stderr) with a secret access key and a session token that cannot turn up in stderr by chance.
   */
  const secretAccessKey = `secret-${uniqueName('key')}`;
  const sessionToken = `token-${uniqueName('session')}`;
  /** A redis target's password, in its destination URL: the rows read and written are logged. */
  const password = `password-${uniqueName('redis')}`;

  beforeAll(async () => {
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).err).toBe('');
    ({ name: stream } = await createStream());
    const queue = await createQueue();
    const target = ['--function', functionName, '--source-type', 'kinesis', '--source', stream];
    expect((await fanoutConsole(['register', 'sqs', ...target, '--id', 'copy', '--destination', queue.name])).err).toBe('');
    expect((await fanoutConsole(['register', 'redis', ...target, '--id', 'cache', '--destination', `redis://fanout:${password}@cache.example.com:6379`])).err).toBe('');
  });

  const consoleProcess = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts', '--endpoint-url', aws.endpoint, '--region', aws.regions[0], ...args], {
      cwd: resolve(import.meta.dirname, '..'),
      env: { ...process.env, AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken },
    });

  const expectNoSecret = (stderr: string) => {
    expect(stderr).not.toContain(secretAccessKey);
    expect(stderr).not.toContain(sessionToken);
    expect(stderr).not.toContain(password);
    // a credential in a response (an assumed role's) is shown masked only; no request signature at all
    expect(stderr).not.toMatch(/(SecretAccessKey|SessionToken): (?!'\*\*\*')/);
    expect(stderr).not.toMatch(/Signature=(?!\*\*\*)|Authorization: 'AWS4/);
  };

  it('logs every request and its response to stderr, and leaves stdout to the results', async () => {
    const list = ['--output', 'json', 'list', '--function', functionName, '--source-type', 'kinesis', '--source', stream];
    const plain = await consoleProcess(list);
    const debugged = await consoleProcess(['--debug', ...list]);
    expect(debugged.stdout).toBe(plain.stdout);
    expect(JSON.parse(debugged.stdout)).toEqual([expect.objectContaining({ id: 'cache' }), expect.objectContaining({ id: 'copy' })]);
    expect(debugged.stderr).toContain("destination: 'redis://***@cache.example.com:6379'");
    for (const operation of ['DescribeStreamSummaryCommand', 'QueryCommand']) expect(debugged.stderr).toContain(`commandName: '${operation}'`);
    expect(debugged.stderr).toContain(`input: { StreamName: '${stream}' }`);
    expectNoSecret(debugged.stderr);
  });

  it('masks the credentials of a destination role it assumes', async () => {
    const { role, credentials } = await secondAccount();
    const queue = await createQueue({ credentials });
    const { stdout, stderr } = await consoleProcess([
      '--debug', '--output', 'json', 'register', 'sqs', '--function', functionName, '--source-type', 'kinesis', '--source', stream,
      '--id', 'remote', '--destination', queue.name, '--destination-role-arn', role, '--external-id', 'fanout-debug',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ id: 'remote', destination: queue.url, role });
    for (const operation of ['AssumeRoleCommand', 'GetQueueUrlCommand', 'PutItemCommand']) expect(stderr).toContain(`commandName: '${operation}'`);
    expect(stderr).toMatch(/SessionToken: '\*\*\*'/);
    expectNoSecret(stderr);
  });
});
