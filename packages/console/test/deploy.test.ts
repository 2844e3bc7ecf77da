import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { uniqueName } from '@fanout/testbed';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { RUNTIME_ZIP_VARIABLE } from '../src/aws/runtime-zip.js';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { createStream } from './support/destination-resources.js';
import { functionConfiguration, iam, lambda, mappingsOf, policyResources, role, rolePolicy, table, useFreshRuntimeZip } from './support/deployment.js';

const zipFile = useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;

interface Deployed {
  functionArn: string;
  tableArn: string;
  roleArn: string;
  steps: Array<{ resource: string; name: string; outcome: string }>;
}

async function deploy(args: string[]): Promise<Deployed> {
  const result = await fanoutConsole(['--output', 'json', 'deploy', ...args]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.json<Deployed>();
}

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
    expect(outcomes(first)).toEqual({ role: 'created', table: 'created', function: 'created', policy: 'created' });

    expect(JSON.parse(decodeURIComponent((await role(`${name}Role`))!.AssumeRolePolicyDocument!))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(await table(`${name}Targets`)).toMatchObject({
      TableStatus: 'ACTIVE',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      KeySchema: [
        { AttributeName: 'sourceArn', KeyType: 'HASH' },
        { AttributeName: 'id', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: expect.arrayContaining([
        { AttributeName: 'sourceArn', AttributeType: 'S' },
        { AttributeName: 'id', AttributeType: 'S' },
      ]),
    });
    expect(await functionConfiguration(name)).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      MemorySize: 128,
      Timeout: 30,
      Role: first.roleArn,
      Environment: { Variables: { TARGETS_TABLE: `${name}Targets` } },
      CodeSha256: createHash('sha256').update(readFileSync(zipFile())).digest('base64'),
    });
    expect(await policyResources(`${name}Role`, 'ReadTargets')).toEqual([first.tableArn]);

    const second = await deploy(['--function', name, '--memory', '256']);
    expect(outcomes(second)).toEqual({ role: 'unchanged', table: 'unchanged', function: 'updated', policy: 'unchanged' });
    expect(await functionConfiguration(name)).toMatchObject({ MemorySize: 256, Timeout: 30, Environment: { Variables: { TARGETS_TABLE: `${name}Targets` } } });

    // flags not given keep what the function has: the memory stays 256
    const third = await deploy(['--function', name]);
    expect(outcomes(third)).toEqual({ role: 'unchanged', table: 'unchanged', function: 'unchanged', policy: 'unchanged' });
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
      ['function', name, 'created', `arn:aws:lambda:${region}:${account}:function:${name}`],
      ['policy', `${name}Role/fanout`, 'created'],
    ]);
  });

  it('keeps the function\'s other environment variables when it updates it', async () => {
    const name = uniqueName('deploy');
    await deploy(['--function', name]);
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { TARGETS_TABLE: 'elsewhere', HTTP_TOKEN: 'secret' } } }),
    );
    expect(outcomes(await deploy(['--function', name, '--timeout', '60']))).toMatchObject({ function: 'updated' });
    expect(await functionConfiguration(name)).toMatchObject({
      Timeout: 60,
      Environment: { Variables: { TARGETS_TABLE: `${name}Targets`, HTTP_TOKEN: 'secret' } },
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
    expect(deployed.steps.map((step) => step.name)).toEqual([roleName, tableName, name, `${roleName}/fanout`]);
    expect(await functionConfiguration(name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${account}:role/${roleName}`,
      Environment: { Variables: { TARGETS_TABLE: tableName } },
      VpcConfig: { SubnetIds: ['subnet-0a1b', 'subnet-0c2d', 'subnet-0e3f'], SecurityGroupIds: ['sg-0123'] },
    });
    expect((await rolePolicy(roleName))!.Statement.map((statement) => statement.Sid)).toEqual(['ReadTargets', 'WriteLogs', 'PutMetrics', 'UseVpcNetworkInterfaces']);
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
      err: `fanout-console: --yes: Delete the function ${name} and its event source mappings, the table ${name}Targets with its targets, the role ${name}Role needs confirmation; pass --yes to confirm without a terminal`,
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
      { resource: 'role', name: `${name}Role`, outcome: 'deleted' },
    ]);
    expect(await table(`${name}Targets`)).toBeUndefined();
    expect(await role(`${name}Role`)).toBeUndefined();
  });
});
