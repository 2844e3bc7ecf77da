import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { DeleteTableCommand, DescribeTimeToLiveCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { WAIT_CEILING_MS, uniqueName } from '@fanout/testbed';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { RUNTIME_ZIP_VARIABLE } from '../src/aws/runtime-zip.js';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { createQueue, createStream } from './support/destination-resources.js';
import {
  bucketExists,
  bucketKeys,
  dynamodb,
  functionConfiguration,
  iam,
  lambda,
  mappingsOf,
  policyResources,
  putFailure,
  role,
  s3,
  rolePolicy,
  table,
  useFreshRuntimeZip,
} from './support/deployment.js';

const zipFile = useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;

interface Deployed {
  functionArn: string;
  tableArn: string;
  progressTableArn: string;
  failureStoreArn: string;
  roleArn: string;
  steps: Array<{ resource: string; name: string; outcome: string }>;
}

async function deploy(args: string[]): Promise<Deployed> {
  const result = await fanoutConsole(['--output', 'json', 'deploy', ...args]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.json<Deployed>();
}

/** A table as deploy makes it: active, billed per request, with these two string keys. */
const onDemandTable = (partition: string, sort: string) => ({
  TableStatus: 'ACTIVE',
  BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
  KeySchema: [
    { AttributeName: partition, KeyType: 'HASH' },
    { AttributeName: sort, KeyType: 'RANGE' },
  ],
  AttributeDefinitions: expect.arrayContaining([
    { AttributeName: partition, AttributeType: 'S' },
    { AttributeName: sort, AttributeType: 'S' },
  ]),
});

const timeToLive = async (tableName: string) => (await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;

/** deploy's default failure store: a bucket named from the function, the account and the region. */
const bucketOf = (name: string) => `${name}-failures-${account}-${region}`;

const outcomes = (deployed: Deployed) => Object.fromEntries(deployed.steps.map((step) => [step.resource, step.outcome]));

describe('deploy', () => {
  it('creates the role, the table and the function, then updates only what changed', async () => {
    const name = uniqueName('deploy');
    const first = await deploy(['--function', name]);
    expect(first).toMatchObject({
      functionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
      tableArn: `arn:aws:dynamodb:${region}:${account}:table/${name}Targets`,
      roleArn: `arn:aws:iam::${account}:role/${name}Role`,
    });
    expect(outcomes(first)).toEqual({ role: 'created', table: 'created', 'progress-table': 'created', 'failure-store': 'created', function: 'created', policy: 'created' });

    expect(JSON.parse(decodeURIComponent((await role(`${name}Role`))!.AssumeRolePolicyDocument!))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(await table(`${name}Targets`)).toMatchObject(onDemandTable('sourceArn', 'id'));
    expect(await functionConfiguration(name)).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      MemorySize: 128,
      Timeout: 30,
      Role: first.roleArn,
      Environment: {
        Variables: {
          TARGETS_TABLE: `${name}Targets`,
          PROGRESS_TABLE: `${name}Progress`,
          FAILURE_STORE: `arn:aws:s3:::${bucketOf(name)}`,
          NODE_OPTIONS: '--max-semi-space-size=1 --max-old-space-size=62',
          MALLOC_ARENA_MAX: '2',
          MALLOC_MMAP_THRESHOLD_: '131072',
        },
      },
      CodeSha256: createHash('sha256').update(readFileSync(zipFile())).digest('base64'),
    });
    expect(await policyResources(`${name}Role`, 'ReadTargets')).toEqual([first.tableArn]);

    const second = await deploy(['--function', name, '--memory', '256']);
    const unchanged = { role: 'unchanged', table: 'unchanged', 'progress-table': 'unchanged', 'failure-store': 'unchanged', policy: 'unchanged' };
    expect(outcomes(second)).toEqual({ ...unchanged, function: 'updated' });
    expect(await functionConfiguration(name)).toMatchObject({ MemorySize: 256, Timeout: 30, Environment: { Variables: { TARGETS_TABLE: `${name}Targets` } } });
    // V8's heap follows the memory, leaving Node.js its share of it
    expect((await functionConfiguration(name))!.Environment!.Variables!.NODE_OPTIONS).toBe('--max-semi-space-size=4 --max-old-space-size=184');

    // flags not given keep what the function has: the memory stays 256
    const third = await deploy(['--function', name]);
    expect(outcomes(third)).toEqual({ ...unchanged, function: 'unchanged' });
    expect(await functionConfiguration(name)).toMatchObject({ MemorySize: 256 });
  });

  it('prints its steps as a table for people', async () => {
    const name = uniqueName('deploy');
    const result = await fanoutConsole(['deploy', '--function', name]);
    expect(result.code).toBe(0);
    expect(result.out.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['RESOURCE', 'NAME', 'OUTCOME', 'ARN'],
      ['role', `${name}Role`, 'created', `arn:aws:iam::${account}:role/${name}Role`],
      ['table', `${name}Targets`, 'created', `arn:aws:dynamodb:${region}:${account}:table/${name}Targets`],
      ['progress-table', `${name}Progress`, 'created', `arn:aws:dynamodb:${region}:${account}:table/${name}Progress`],
      ['failure-store', bucketOf(name), 'created', `arn:aws:s3:::${bucketOf(name)}`],
      ['function', name, 'created', `arn:aws:lambda:${region}:${account}:function:${name}`],
      ['policy', `${name}Role/fanout`, 'created'],
    ]);
  });

  it('keeps the function\'s other environment variables when it updates it', async () => {
    const name = uniqueName('deploy');
    await deploy(['--function', name]);
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Environment: { Variables: { TARGETS_TABLE: 'elsewhere', HTTP_TOKEN: 'secret', NODE_OPTIONS: '--enable-source-maps --max-old-space-size=100', MALLOC_ARENA_MAX: '4' } },
      }),
    );
    expect(outcomes(await deploy(['--function', name, '--timeout', '60']))).toMatchObject({ function: 'updated' });
    expect(await functionConfiguration(name)).toMatchObject({
      Timeout: 60,
      Environment: {
        Variables: {
          TARGETS_TABLE: `${name}Targets`,
          PROGRESS_TABLE: `${name}Progress`,
          HTTP_TOKEN: 'secret',
          NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=1 --max-old-space-size=62',
          // the function's own allocator setting kept, the other one added
          MALLOC_ARENA_MAX: '4',
          MALLOC_MMAP_THRESHOLD_: '131072',
        },
      },
    });
  });

  it('takes over a function of the original fanout CLI: a supported runtime, the new handler and code', async () => {
    const name = uniqueName('deploy');
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: uniqueName('old-role'), AssumeRolePolicyDocument: '{}' }));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'fanout.handler',
        Role: Role!.Arn!,
        Code: { ZipFile: zipSync({ 'fanout.js': strToU8('exports.handler = async () => {};') }) },
      }),
    );
    expect(outcomes(await deploy(['--function', name]))).toMatchObject({ function: 'updated' });
    expect(await functionConfiguration(name)).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::${account}:role/${name}Role`,
      CodeSha256: createHash('sha256').update(readFileSync(zipFile())).digest('base64'),
    });
  });

  it('names the table and role as told, and puts the function in a VPC with network-interface rights', async () => {
    const name = uniqueName('deploy');
    const tableName = uniqueName('targets');
    const roleName = uniqueName('role');
    const deployed = await deploy([
      '--function-arn',
      `arn:aws:lambda:${region}:${account}:function:${name}`,
      '--table',
      tableName,
      '--exec-role-arn',
      `arn:aws:iam::${account}:role/${roleName}`,
      '--subnet',
      'subnet-0a1b,subnet-0c2d',
      '--subnet',
      'subnet-0e3f',
      '--security-group',
      'sg-0123',
      '--runtime',
      'nodejs22.x',
    ]);
    expect(deployed.steps.map((step) => step.name)).toEqual([roleName, tableName, `${name}Progress`, bucketOf(name), name, `${roleName}/fanout`]);
    expect(await functionConfiguration(name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${account}:role/${roleName}`,
      Environment: { Variables: { TARGETS_TABLE: tableName } },
      VpcConfig: { SubnetIds: ['subnet-0a1b', 'subnet-0c2d', 'subnet-0e3f'], SecurityGroupIds: ['sg-0123'] },
    });
    expect((await rolePolicy(roleName))!.Statement.map((statement) => statement.Sid)).toEqual([
      'ReadTargets',
      'TrackProgress',
      'WriteLogs',
      'PutMetrics',
      'StoreFailuresInBuckets',
      'UseVpcNetworkInterfaces',
    ]);
  });

  it.each([
    [['--subnet', 'subnet-0a1b'], '--security-group: required with --subnet; a function in a VPC needs both'],
    [['--security-group', 'sg-0123'], '--subnet: required with --security-group; a function in a VPC needs both'],
    [['--subnet', 'net-1', '--security-group', 'sg-0123'], '--subnet: expected subnet ids (subnet-0123abcd), repeated or comma-separated'],
    [['--runtime', 'nodejs20.x'], '--runtime: expected a Node.js runtime Lambda supports: nodejs24.x, nodejs22.x'],
    [['--memory', '64'], '--memory: expected a whole number of MiB from 128 to 10240'],
    [['--timeout', 'soon'], '--timeout: expected a whole number of seconds from 1 to 900'],
    [['--function-arn', 'arn:aws:lambda:us-east-1:12345:function:NAME'], '--function-arn: "arn:aws:lambda:us-east-1:12345:function:NAME" is not a Lambda function name (letters, digits, - and _) or ARN'],
  ])('refuses %j with exit code 2 and one line naming the flag, and creates nothing', async (flags, message) => {
    const name = uniqueName('refused');
    const named = flags.map((flag) => flag.replace('NAME', name));
    const result = await fanoutConsole(['deploy', ...(named.includes('--function-arn') ? [] : ['--function', name]), ...named]);
    expect(result).toMatchObject({ code: 2, out: '', err: `fanout-console: ${message.replace('NAME', name)}` });
    expect([await functionConfiguration(name), await table(`${name}Targets`), await role(`${name}Role`)]).toEqual([undefined, undefined, undefined]);
  });

  it('says to build when the function\'s code is missing, and creates nothing', async () => {
    const name = uniqueName('refused');
    const built = process.env[RUNTIME_ZIP_VARIABLE];
    process.env[RUNTIME_ZIP_VARIABLE] = '/nonexistent/fanout.zip';
    try {
      const result = await fanoutConsole(['deploy', '--function', name]);
      expect(result).toMatchObject({ code: 1, err: `fanout-console: Error: ${RUNTIME_ZIP_VARIABLE}: no file /nonexistent/fanout.zip; point it at a fanout.zip, or unset it` });
    } finally {
      process.env[RUNTIME_ZIP_VARIABLE] = built;
    }
    expect([await functionConfiguration(name), await table(`${name}Targets`), await role(`${name}Role`)]).toEqual([undefined, undefined, undefined]);
  });
});

describe('deploy: the progress table and the failure store', () => {
  it('makes the progress table (keys pk and sk, on demand, TTL on expiresAt) and the failure bucket, and keeps them', async () => {
    const name = uniqueName('deploy-isolation');
    const first = await deploy(['--function', name]);
    expect(first).toMatchObject({
      progressTableArn: `arn:aws:dynamodb:${region}:${account}:table/${name}Progress`,
      failureStoreArn: `arn:aws:s3:::${bucketOf(name)}`,
    });
    expect(await table(`${name}Progress`)).toMatchObject(onDemandTable('pk', 'sk'));
    expect(await timeToLive(`${name}Progress`)).toEqual({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    expect(await bucketExists(bucketOf(name))).toBe(true);
    // the function writes its progress and state, and its failures under failures/ of the bucket, and nothing more
    const policy = await rolePolicy(`${name}Role`);
    expect(policy!.Statement.find((statement) => statement.Sid === 'TrackProgress')).toEqual({
      Sid: 'TrackProgress',
      Effect: 'Allow',
      Action: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: [first.progressTableArn],
    });
    expect(await policyResources(`${name}Role`, 'StoreFailuresInBuckets')).toEqual([`arn:aws:s3:::${bucketOf(name)}/failures/*`]);

    // a failure in the bucket and a state in the table stay through another deploy
    await putFailure(bucketOf(name), 'failures/kept.json');
    await dynamodb.send(new PutItemCommand({ TableName: `${name}Progress`, Item: { pk: { S: 'state#kept' }, sk: { S: 'kept' } } }));
    const second = await deploy(['--function', name]);
    expect(outcomes(second)).toMatchObject({ 'progress-table': 'unchanged', 'failure-store': 'unchanged', function: 'unchanged' });
    expect(await bucketKeys(bucketOf(name))).toEqual(['failures/kept.json']);
    expect((await dynamodb.send(new ScanCommand({ TableName: `${name}Progress` }))).Count).toBe(1);
  });

  it('brings a deployment of before up to date: a progress table, a store, their variables beside the others', async () => {
    const name = uniqueName('deploy-before');
    await deploy(['--function', name]);
    // as a deploy before target isolation left it: no progress table, nothing in the environment of it
    await dynamodb.send(new DeleteTableCommand({ TableName: `${name}Progress` }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { TARGETS_TABLE: `${name}Targets`, HTTP_TOKEN: 'secret' } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: WAIT_CEILING_MS / 1000 }, { FunctionName: name });

    const brought = await deploy(['--function', name]);
    expect(outcomes(brought)).toMatchObject({ 'progress-table': 'created', 'failure-store': 'unchanged', function: 'updated', policy: 'unchanged' });
    expect(await functionConfiguration(name)).toMatchObject({
      Environment: {
        Variables: { TARGETS_TABLE: `${name}Targets`, PROGRESS_TABLE: `${name}Progress`, FAILURE_STORE: `arn:aws:s3:::${bucketOf(name)}`, HTTP_TOKEN: 'secret' },
      },
    });
    expect(await timeToLive(`${name}Progress`)).toMatchObject({ TimeToLiveStatus: 'ENABLED' });
  });

  it('takes a progress table and an existing store as told, creates no bucket then, and keeps them on the next deploy', async () => {
    const name = uniqueName('deploy-named');
    const progressTable = uniqueName('progress');
    const queue = await createQueue();
    const queueArn = `arn:aws:sqs:${region}:${account}:${queue.name}`;
    const deployed = await deploy(['--function', name, '--progress-table', progressTable, '--failure-store', queueArn]);
    expect(deployed.steps.filter((step) => step.resource.includes('-'))).toEqual([
      { resource: 'progress-table', name: progressTable, outcome: 'created', arn: `arn:aws:dynamodb:${region}:${account}:table/${progressTable}` },
      { resource: 'failure-store', name: queueArn, outcome: 'unchanged', arn: queueArn },
    ]);
    expect(await bucketExists(bucketOf(name))).toBe(false);
    expect((await functionConfiguration(name))!.Environment!.Variables).toMatchObject({ PROGRESS_TABLE: progressTable, FAILURE_STORE: queueArn });
    expect(await policyResources(`${name}Role`, 'StoreFailuresInQueues')).toEqual([queueArn]);
    expect(await policyResources(`${name}Role`, 'StoreFailuresInBuckets')).toBeUndefined();

    // neither flag again: the function keeps what it has
    const again = await deploy(['--function', name]);
    expect(again.steps.filter((step) => step.resource.includes('-')).map((step) => [step.name, step.outcome])).toEqual([
      [progressTable, 'unchanged'],
      [queueArn, 'unchanged'],
    ]);
    expect((await functionConfiguration(name))!.Environment!.Variables).toMatchObject({ PROGRESS_TABLE: progressTable, FAILURE_STORE: queueArn });
  });

  it.each([
    [['--failure-store', 'arn:aws:sqs:us-east-1:12345:nope'], '--failure-store: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME) or an S3 bucket ARN (arn:aws:s3:::BUCKET)'],
    [['--failure-store', `arn:aws:sqs:${region}:${account}:no-such-queue`], `--failure-store: no queue arn:aws:sqs:${region}:${account}:no-such-queue; create it first, or leave --failure-store out for deploy to make a bucket`],
    [['--failure-store', 'arn:aws:s3:::fanout-no-such-bucket'], '--failure-store: no bucket fanout-no-such-bucket; create it first, or leave --failure-store out for deploy to make a bucket'],
    [['--progress-table', 'a'], '--progress-table: "a" is not a DynamoDB table name or ARN'],
  ])('refuses %j with exit code 2 and one line naming the flag', async (flags, message) => {
    const name = uniqueName('refused');
    const result = await fanoutConsole(['deploy', '--function', name, ...flags]);
    expect(result).toMatchObject({ code: 2, out: '', err: `fanout-console: ${message}` });
    expect(await functionConfiguration(name)).toBeUndefined();
  });
});

describe('destroy', () => {
  async function deployedAndHooked(): Promise<string> {
    const name = uniqueName('destroy');
    await deploy(['--function', name]);
    const stream = await createStream();
    expect((await fanoutConsole(['hook', '--function', name, '--source-arn', stream.arn])).code).toBe(0);
    return name;
  }

  it('refuses without --yes and without a terminal: exit code 2, and nothing deleted', async () => {
    const name = await deployedAndHooked();
    const result = await fanoutConsole(['destroy', '--function', name, '--delete-table', '--delete-role']);
    expect(result).toMatchObject({
      code: 2,
      out: '',
      err: `fanout-console: --yes: Delete the function ${name} and its event source mappings, the table ${name}Targets with its targets, the table ${name}Progress, the role ${name}Role needs confirmation; pass --yes to confirm without a terminal`,
    });
    expect(await functionConfiguration(name)).toBeDefined();
    expect(await mappingsOf(name)).toHaveLength(1);
    expect(await table(`${name}Targets`)).toBeDefined();
    expect(await role(`${name}Role`)).toBeDefined();
  });

  it('asks in a terminal, and deletes nothing when the answer is no', async () => {
    const name = await deployedAndHooked();
    const questions: string[] = [];
    const terminal = testTerminal({ interactive: true, canDraw: true, ask: async (question: string) => (questions.push(question), 'n') });
    const result = await fanoutConsole(['destroy', '--function', name], { terminal });
    expect(result).toMatchObject({ code: 0, out: 'nothing deleted' });
    expect(questions).toEqual([`Delete the function ${name} and its event source mappings? [y/N] `]);
    expect(await functionConfiguration(name)).toBeDefined();
    expect(await mappingsOf(name)).toHaveLength(1);
  });

  it('deletes the function and its mappings, and keeps the table and the role (without fanout\'s policy) unless asked', async () => {
    const name = await deployedAndHooked();
    expect(await rolePolicy(`${name}Role`)).toBeDefined();
    const result = await fanoutConsole(['--yes', '--output', 'json', 'destroy', '--function', name]);
    expect(result.code).toBe(0);
    expect(result.json<Deployed>().steps.map((step) => [step.resource, step.outcome])).toEqual([
      ['mapping', 'deleted'],
      ['function', 'deleted'],
      ['policy', 'deleted'],
    ]);
    expect(await functionConfiguration(name)).toBeUndefined();
    expect(await mappingsOf(name)).toEqual([]);
    expect(await table(`${name}Targets`)).toBeDefined();
    expect(await role(`${name}Role`)).toBeDefined();
    // with the function gone, the role kept has no right left to the streams or destinations
    expect(await rolePolicy(`${name}Role`)).toBeUndefined();

    const rest = await fanoutConsole(['--yes', '--output', 'json', 'destroy', '--function', name, '--delete-table', '--delete-role']);
    expect(rest.code).toBe(0);
    expect(rest.json<Deployed>().steps).toEqual([
      { resource: 'function', name, outcome: 'absent' },
      { resource: 'table', name: `${name}Targets`, outcome: 'deleted' },
      { resource: 'progress-table', name: `${name}Progress`, outcome: 'deleted' },
      { resource: 'role', name: `${name}Role`, outcome: 'deleted' },
    ]);
    expect(await table(`${name}Targets`)).toBeUndefined();
    expect(await table(`${name}Progress`)).toBeUndefined();
    expect(await role(`${name}Role`)).toBeUndefined();
    // the failure store only with --delete-store
    expect(await bucketExists(bucketOf(name))).toBe(true);
  });
  it('deletes with --delete-table the targets table the function uses, one deploy --table named, without --table again', async () => {
    const name = uniqueName('destroy');
    const tableName = uniqueName('ownTargets');
    await deploy(['--function', name, '--table', tableName]);
    const result = await fanoutConsole(['--yes', '--output', 'json', 'destroy', '--function', name, '--delete-table']);
    expect(result.code).toBe(0);
    expect(result.json<Deployed>().steps).toContainEqual({ resource: 'table', name: tableName, outcome: 'deleted' });
    expect(await table(tableName)).toBeUndefined();
  });

  it('deletes the failure store with --delete-store only when it is empty; else refuses in one line, deleting nothing', async () => {
    const name = await deployedAndHooked();
    await putFailure(bucketOf(name), 'failures/one.json');
    await putFailure(bucketOf(name), 'failures/two.json');
    const refused = await fanoutConsole(['--yes', 'destroy', '--function', name, '--delete-table', '--delete-store']);
    expect(refused).toMatchObject({
      code: 2,
      out: '',
      err: `fanout-console: --delete-store: the failure store ${bucketOf(name)} holds 2 failures; deliver them with fanout-console redrive (or empty the bucket) first; nothing deleted`,
    });
    expect(await functionConfiguration(name)).toBeDefined();
    expect(await mappingsOf(name)).toHaveLength(1);
    expect(await table(`${name}Targets`)).toBeDefined();
    expect(await table(`${name}Progress`)).toBeDefined();
    expect(await bucketKeys(bucketOf(name))).toEqual(['failures/one.json', 'failures/two.json']);

    await s3.send(new DeleteObjectsCommand({ Bucket: bucketOf(name), Delete: { Objects: [{ Key: 'failures/one.json' }, { Key: 'failures/two.json' }] } }));
    const destroyed = await fanoutConsole(['--yes', '--output', 'json', 'destroy', '--function', name, '--delete-store']);
    expect(destroyed.code).toBe(0);
    expect(destroyed.json<Deployed>().steps.map((step) => [step.resource, step.outcome])).toEqual([
      ['mapping', 'deleted'],
      ['function', 'deleted'],
      ['failure-store', 'deleted'],
      ['policy', 'deleted'],
    ]);
    expect(await bucketExists(bucketOf(name))).toBe(false);
    // the tables stay without --delete-table
    expect(await table(`${name}Progress`)).toBeDefined();
  });
});
