import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, motoRequests, uniqueName } from '@fanout/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli.js';
import { NO_VERIFY_SSL_WARNING } from '../src/context.js';
import { aws, environmentWithout, fanoutConsole, spawnConsole, testTerminal } from './support/console.js';
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
      expect(verified).toMatchObject({
        code: 1,
        err: `fanout-console: cannot reach ${new URL(endpoint).host} (certificate: self-signed certificate): trust its certificate (NODE_EXTRA_CA_CERTS=FILE), or pass --no-verify-ssl for a local endpoint`,
      });
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

  const consoleProcess = async (args: string[]) => {
    const env = environmentWithout({ AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken });
    const run = await spawnConsole(['--endpoint-url', aws.endpoint, '--region', aws.regions[0], ...args], env);
    expect(run.code).toBe(0);
    return run;
  };

  /** The operations of the [request] and [response] lines, in order: each request's line, then its answer's. */
  const exchanges = (stderr: string) =>
    stderr
      .split('\n')
      .filter((line) => /^\[(request|response)\]/.test(line))
      .map((line) => {
        const request = /^\[request\] (GET|POST|PUT|DELETE|HEAD) (https?:\/\/\S+) (\w+Client \w+Command) \{/.exec(line);
        if (request) return `request ${request[3]} ${request[1]} ${new URL(request[2]!).origin}`;
        const response = /^\[response\] (\d{3}) in \d+ ms (\w+Client \w+Command) \{/.exec(line);
        return response ? `response ${response[2]} ${response[1]}` : `unexpected: ${line}`;
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
    // one line as each request goes (method, URL, operation, its headers) and one as its answer comes (status, time)
    expect(exchanges(debugged.stderr)).toEqual(
      expect.arrayContaining([
        `request KinesisClient DescribeStreamSummaryCommand POST ${aws.endpoint}`,
        'response KinesisClient DescribeStreamSummaryCommand 200',
        `request DynamoDBClient QueryCommand POST ${aws.endpoint}`,
        'response DynamoDBClient QueryCommand 200',
      ]),
    );
    const operations = (kind: string) =>
      exchanges(debugged.stderr)
        .filter((line) => line.startsWith(`${kind} `))
        .map((line) => line.split(' ').slice(1, 3).join(' '))
        .sort();
    expect(operations('response')).toEqual(operations('request'));
    // a request's headers, its signature masked
    expect(debugged.stderr).toMatch(/'x-amz-target': 'DynamoDB_20120810\.Query'/);
    expect(debugged.stderr).toMatch(/authorization: '\*\*\*'/);
    // none of the SDK's own workings: the credential chain, endpoint rules, settings looked for
    expect(debugged.stderr).not.toMatch(/credential-provider|property-provider|evaluateCondition|Not found in ENV/);
    for (const line of debugged.stderr.trimEnd().split('\n')) expect(line).toMatch(/^\[(request|response|info|warn|error)\] |^[\s}\]]/);
    expectNoSecret(debugged.stderr);
  });

  it("logs the requests of the function's code run here too (local), and makes one attempt at an endpoint that cannot be reached", async () => {
    const env = environmentWithout({ AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    const absent = uniqueName('absent');
    const answered = await spawnConsole(['--debug', '--endpoint-url', aws.endpoint, '--region', aws.regions[0], 'local', '--stream', absent, '--to', 'http://127.0.0.1:9/'], env);
    expect(answered.code).toBe(2);
    expect(exchanges(answered.stderr)).toEqual([`request KinesisClient DescribeStreamSummaryCommand POST ${aws.endpoint}`, 'response KinesisClient DescribeStreamSummaryCommand 400']);
    expectNoSecret(answered.stderr);

    const port = await freePort();
    const unreachable = await spawnConsole(['--debug', '--endpoint-url', `http://127.0.0.1:${port}`, '--region', aws.regions[0], 'local', '--stream', absent, '--to', 'http://127.0.0.1:9/'], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.split('\n').filter((line) => /^\[(request|response)\]/.test(line))).toEqual([
      expect.stringMatching(new RegExp(`^\\[request\\] POST http://127\\.0\\.0\\.1:${port}/ KinesisClient DescribeStreamSummaryCommand \\{`)),
      expect.stringMatching(/^\[response\] failed in \d+ ms KinesisClient DescribeStreamSummaryCommand: connect ECONNREFUSED/),
    ]);
    expect(unreachable.stderr.trimEnd().split('\n').at(-1)).toBe(`fanout-console: cannot reach 127.0.0.1:${port} (connection refused): check --endpoint-url`);
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
    expect(exchanges(stderr)).toEqual(expect.arrayContaining([`request STSClient AssumeRoleCommand POST ${aws.endpoint}`, 'response STSClient AssumeRoleCommand 200']));
    expect(stderr).toMatch(/SessionToken: '\*\*\*'/);
    expectNoSecret(stderr);
  });
});
