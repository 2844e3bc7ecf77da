import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { dynamodb, functionConfiguration, lambda, policyResources, useFreshRuntimeZip } from './support/deployment.js';
import { createQueue, createStream, secondAccount } from './support/destination-resources.js';
import { minutesAgo, putRow, putTargetState, tableRows } from './support/state.js';

useFreshRuntimeZip();
const functionName = uniqueName('targets');
const table = `${functionName}Targets`;
const deployment = ['--function', functionName];
let stream: string;
let sourceArn: string;
let queueUrl: string;
let queueName: string;

beforeAll(async () => {
  const deployed = await fanoutConsole(['--yes', 'deploy', ...deployment]);
  expect(deployed.err).toBe('');
  ({ name: stream, arn: sourceArn } = await createStream());
  ({ name: queueName, url: queueUrl } = await createQueue());
});

const source = () => ['--source-type', 'kinesis', '--source', stream];

/** Sets (or, undefined, removes) variables of the function's environment, keeping the others. */
async function setFunctionVariables(changes: Record<string, string | undefined>): Promise<void> {
  const variables = { ...(await functionConfiguration(functionName))!.Environment!.Variables };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete variables[name];
    else variables[name] = value;
  }
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: variables } }));
}

/** Runs a command that must be refused: exit 2, one line naming the flag, and the table unchanged. */
async function expectRefused(args: string[], message: string): Promise<void> {
  const before = await tableRows(table);
  const result = await fanoutConsole(args);
  expect(result.err).toBe(`fanout-console: ${message}`);
  expect(result.code).toBe(2);
  expect(await tableRows(table)).toEqual(before);
}

describe('target rows', () => {
  it('registers a target by name: the row holds the resolved queue URL, inactive by default', async () => {
    const result = await fanoutConsole(['--yes', 'register', 'sqs', ...deployment, ...source(), '--id', 'copy', '--destination', queueName]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(`registered sqs target copy of ${sourceArn}: ${queueUrl} (inactive); the function sees it within 60 s`);
    expect(await tableRows(table)).toEqual([
      { sourceArn, id: 'copy', type: 'sqs', destination: queueUrl, active: false, collapse: 'JSON', parallel: true, convertDDB: false, deaggregate: false },
    ]);
  });

  it('lists the targets of a source as a table, and as stable JSON', async () => {
    const text = await fanoutConsole(['list', ...deployment, ...source()]);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')).toEqual([
      `ID    TYPE  DESTINATION${' '.repeat(queueUrl.length - 'DESTINATION'.length)}  ACTIVE  STATE  BEHIND  STORED  OPTIONS  LAST ERROR`,
      // a target that never failed has no state item: ok, nothing held, nothing stored
      `copy  sqs   ${queueUrl}  no      ok     -       0`,
    ]);
    const json = await fanoutConsole(['--output', 'json', 'list', ...deployment, '--source-arn', sourceArn]);
    expect(json.json()).toEqual([
      expect.objectContaining({ sourceArn, id: 'copy', type: 'sqs', destination: queueUrl, active: false, state: 'ok', stateSince: null, behindSeconds: null, stored: 0, lastError: null }),
    ]);
  });

  it('updates options, activates and deactivates, each saying when the function sees it (its CONFIG_TTL_SECONDS)', async () => {
    const updated = await fanoutConsole(['update', ...deployment, ...source(), '--id', 'copy', '--collapse', 'none', '--parallel', 'false']);
    expect(updated).toMatchObject({ code: 0, out: `updated target copy of ${sourceArn}; the function sees it within 60 s` });
    await setFunctionVariables({ CONFIG_TTL_SECONDS: '15' });
    const activated = await fanoutConsole(['activate', ...deployment, ...source(), '--id', 'copy']);
    expect(activated).toMatchObject({ code: 0, out: `activated target copy of ${sourceArn}; the function sees it within 15 s` });
    expect(await tableRows(table)).toEqual([expect.objectContaining({ id: 'copy', collapse: 'none', parallel: false, active: true })]);
    await setFunctionVariables({ CONFIG_TTL_SECONDS: '0' });
    const deactivated = await fanoutConsole(['deactivate', ...deployment, ...source(), '--id', 'copy']);
    expect(deactivated).toMatchObject({ code: 0, out: `deactivated target copy of ${sourceArn}; the function sees it at its next batch` });
    expect(await tableRows(table)).toEqual([expect.objectContaining({ id: 'copy', active: false })]);
    await setFunctionVariables({ CONFIG_TTL_SECONDS: undefined });
  });

  it.each([
    [['register', 'ftp', '--id', 'x', '--destination', 'q'], '<type>: "ftp" is not a target type; expected one of sns, sqs, es, kinesis, firehose, iot, lambda, redis, memcached, http'],
    [['register', 'sqs', '--id', 'x'], '--destination: required; pass a queue name, ARN or URL'],
    [['register', 'sqs', '--id', 'copy', '--destination', 'QUEUE'], '--id: target "copy" already exists for SOURCE; change it with update'],
    [['register', 'redis', '--id', 'x', '--destination', 'cache.example.com:6379', '--destination-role-arn', 'arn:aws:iam::123456789012:role/r'], '--destination-role-arn: not available for redis targets (it applies to AWS services only); remove it'],
    [['register', 'memcached', '--id', 'x', '--destination', 'cache.example.com:11211', '--destination-region', 'eu-west-1'], '--destination-region: not available for memcached targets (it applies to AWS services only); remove it'],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--external-id', 'abc'], '--external-id: needs a role: pass --destination-role-arn too, or leave out --external-id'],
    // register has no field to remove: an empty value is refused, not taken for a flag left out
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--external-id', ''], `--external-id: empty; give a value, or leave the flag out (only update takes '', to remove the field)`],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--destination-role-arn', ''], `--destination-role-arn: empty; give a value, or leave the flag out (only update takes '', to remove the field)`],
    [['update', '--id', 'copy', '--destination', ''], '--destination: empty; a target always has a destination: pass it, or leave the flag out'],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--convert-ddb'], '--convert-ddb: applies to DynamoDB sources only; remove it'],
    [['update', '--id', 'copy'], 'update: nothing to change; pass the options to change, e.g. --active false'],
    [['update', '--id', 'nope', '--active'], '--id: no target "nope" for SOURCE; see fanout-console list'],
    // the limits and the store, checked by the runtime's schema
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--max-attempts', '0'], '--max-attempts: expected a whole number of invocations from 1 to 10000'],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--max-attempts', 'often'], '--max-attempts: expected a whole number of invocations from 1 to 10000'],
    [['update', '--id', 'copy', '--max-attempts', '2.5'], '--max-attempts: expected a whole number of invocations from 1 to 10000'],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--max-record-age', '604801'], '--max-record-age: expected a whole number of seconds from 1 to 604800'],
    [['update', '--id', 'copy', '--max-record-age', '-1'], '--max-record-age: expected a whole number of seconds from 1 to 604800'],
    [
      ['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--on-failure', 'arn:aws:sqs:us-east-1:1:q'],
      '--on-failure: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME), an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME) or an S3 bucket ARN (arn:aws:s3:::BUCKET)',
    ],
    [['register', 'sqs', '--id', 'x', '--destination', 'QUEUE', '--on-failure', ''], `--on-failure: empty; give a value, or leave the flag out (only update takes '', to remove the field)`],
  ])('refuses %j with exit code 2, one line, and changes nothing', async (args, message) => {
    const [command, ...rest] = args as string[];
    const resolved = rest.map((arg) => (arg === 'QUEUE' ? queueName : arg));
    await expectRefused([command!, ...deployment, ...source(), ...resolved], message.replace('SOURCE', sourceArn));
  });

  it('refuses a source that does not exist, and an --active that is not a boolean', async () => {
    const missing = await fanoutConsole(['register', 'sqs', ...deployment, '--source-type', 'kinesis', '--source', 'no-such-stream', '--id', 'x', '--destination', queueName]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^fanout-console: --source: /);
    const notBoolean = await fanoutConsole(['register', 'sqs', ...deployment, ...source(), '--id', 'x', '--destination', queueName, '--active', 'maybe']);
    expect(notBoolean.code).toBe(2);
    expect(notBoolean.err).toBe("fanout-console: --active: 'maybe' is invalid: expected true or false (--help lists what it takes)");
  });

  it('shows a stored row that is broken as INVALID in the list, with what is wrong', async () => {
    await putRow(table, { sourceArn, id: 'broken', type: 'sqs', destination: 'nowhere', active: true });
    const { out } = await fanoutConsole(['list', ...deployment, ...source()]);
    expect(out).toContain('INVALID: destination: "nowhere" is not a URL');
    const unregistered = await fanoutConsole(['--yes', 'unregister', ...deployment, ...source(), '--id', 'broken']);
    expect(unregistered.code).toBe(0);
  });

  it('unregisters only when confirmed: refused without a terminal, kept on "n", deleted with --yes', async () => {
    await expectRefused(['unregister', ...deployment, ...source(), '--id', 'copy'], `--yes: Delete target copy of ${sourceArn} needs confirmation; pass --yes to confirm without a terminal`);

    const answeringNo = testTerminal({ interactive: true, canDraw: true, ask: async () => 'n' });
    const kept = await fanoutConsole(['unregister', ...deployment, ...source(), '--id', 'copy'], { terminal: answeringNo });
    expect(kept).toMatchObject({ code: 0, out: 'nothing deleted' });
    expect(await tableRows(table)).toHaveLength(1);

    const deleted = await fanoutConsole(['--yes', 'unregister', ...deployment, ...source(), '--id', 'copy']);
    expect(deleted).toMatchObject({ code: 0, out: `unregistered target copy of ${sourceArn}; the function sees it within 60 s` });
    expect(await tableRows(table)).toEqual([]);
  });
});

describe('list shows each target\'s state', () => {
  const lastError = 'sqs:SendMessage: AccessDenied: User arn:aws:sts::123456789012:assumed-role/fanoutRole is not authorized to perform sqs:SendMessage';

  it('stuck since when, how far behind, what is stored, the last error: cut in the table, whole in JSON', async () => {
    const states = await createStream();
    const on = ['--source-arn', states.arn];
    for (const id of ['fine', 'stuck-one', 'wobbly']) {
      expect((await fanoutConsole(['register', 'sqs', ...deployment, ...on, '--id', id, '--destination', queueName, '--active'])).code).toBe(0);
    }
    // as the function writes them to its progress table
    await putTargetState(`${functionName}Progress`, states.arn, 'stuck-one', { state: 'stuck', since: minutesAgo(14), heldSince: minutesAgo(20), stored: 3, lastError });
    await putTargetState(`${functionName}Progress`, states.arn, 'wobbly', { state: 'retrying', since: minutesAgo(2), heldSince: minutesAgo(2), lastError: 'throttled' });

    const text = await fanoutConsole(['list', ...deployment, ...on]);
    expect(text.code).toBe(0);
    const lines = text.out.split('\n').map((line) => line.split(/\s{2,}/));
    expect(lines[0]).toEqual(['ID', 'TYPE', 'DESTINATION', 'ACTIVE', 'STATE', 'BEHIND', 'STORED', 'OPTIONS', 'LAST ERROR']);
    expect(lines.slice(1)).toEqual([
      ['fine', 'sqs', queueUrl, 'yes', 'ok', '-', '0'],
      ['stuck-one', 'sqs', queueUrl, 'yes', 'stuck 14m', '20m', '3', `${lastError.slice(0, 59)}…`],
      ['wobbly', 'sqs', queueUrl, 'yes', 'retrying 2m', '2m', '0', 'throttled'],
    ]);

    const json = (await fanoutConsole(['--output', 'json', 'list', ...deployment, ...on])).json<Array<Record<string, unknown>>>();
    const stuck = json.find((row) => row.id === 'stuck-one')!;
    expect(stuck).toMatchObject({ state: 'stuck', stateSince: expect.any(String), stored: 3, lastError });
    expect(stuck.behindSeconds as number).toBeGreaterThanOrEqual(1200);
    expect(stuck.behindSeconds as number).toBeLessThan(1200 + 120);
    expect(json.find((row) => row.id === 'fine')).toMatchObject({ state: 'ok', stateSince: null, behindSeconds: null, stored: 0, lastError: null });

    // and the source's stuck target shows in the list of every source too
    const all = await fanoutConsole(['--output', 'json', 'list', ...deployment]);
    expect(all.json<Array<Record<string, unknown>>>().filter((row) => row.state === 'stuck').map((row) => row.id)).toEqual(['stuck-one']);
  });

  it('says - for a state it cannot know: a deployment with no progress table yet', async () => {
    const before = uniqueName('targets-before');
    expect((await fanoutConsole(['--yes', 'deploy', '--function', before])).code).toBe(0);
    await dynamodb.send(new DeleteTableCommand({ TableName: `${before}Progress` }));
    expect((await fanoutConsole(['register', 'sqs', '--function', before, ...source(), '--id', 'copy', '--destination', queueName])).code).toBe(0);
    const text = await fanoutConsole(['list', '--function', before, ...source()]);
    expect(text.out.split('\n')[1]!.split(/\s{2,}/)).toEqual(['copy', 'sqs', queueUrl, 'no', '-', '-', '-']);
    const json = await fanoutConsole(['--output', 'json', 'list', '--function', before, ...source()]);
    expect(json.json()).toEqual([expect.objectContaining({ state: null, stateSince: null, behindSeconds: null, stored: null, lastError: null })]);
  });
});

describe('a target\'s limits and failure store', () => {
  it('registers them, lists them, grants the store, and removes them on update given \'\'', async () => {
    const store = await createQueue();
    const storeArn = `arn:aws:sqs:${aws.regions[0]}:${aws.accounts[0]}:${store.name}`;
    const registered = await fanoutConsole([
      '--output', 'json', 'register', 'sqs', ...deployment, ...source(), '--id', 'limited', '--destination', queueName,
      '--max-attempts', '3', '--max-record-age', '30', '--on-failure', storeArn,
    ]);
    expect(registered).toMatchObject({ code: 0, err: '' });
    expect(registered.json()).toMatchObject({ id: 'limited', maxAttempts: 3, maxRecordAgeSeconds: 30, onFailure: storeArn });
    expect((await tableRows(table)).find((row) => row.id === 'limited')).toMatchObject({ maxAttempts: 3, maxRecordAgeSeconds: 30, onFailure: storeArn });
    expect((await fanoutConsole(['list', ...deployment, ...source()])).out).toContain(`maxAttempts=3 maxRecordAge=30s onFailure=${storeArn}`);
    expect(await policyResources(`${functionName}Role`, 'StoreFailuresInQueues')).toEqual([storeArn]);

    expect((await fanoutConsole(['update', ...deployment, ...source(), '--id', 'limited', '--max-attempts', '10', '--max-record-age', ''])).code).toBe(0);
    const updated = (await tableRows(table)).find((row) => row.id === 'limited')!;
    expect(updated).toMatchObject({ maxAttempts: 10, onFailure: storeArn });
    expect(updated).not.toHaveProperty('maxRecordAgeSeconds');

    expect((await fanoutConsole(['update', ...deployment, ...source(), '--id', 'limited', '--max-attempts', '', '--on-failure', ''])).code).toBe(0);
    const removed = (await tableRows(table)).find((row) => row.id === 'limited')!;
    expect(removed).not.toHaveProperty('maxAttempts');
    expect(removed).not.toHaveProperty('onFailure');
    // the store goes from the policy with the last row that names it
    expect(await policyResources(`${functionName}Role`, 'StoreFailuresInQueues')).toBeUndefined();
    expect((await fanoutConsole(['--yes', 'unregister', ...deployment, ...source(), '--id', 'limited'])).code).toBe(0);
  });
});

describe('update removes an optional field given as \'\'', () => {
  let remoteSource: { name: string; arn: string };
  let role: string;
  const remote = () => ['--source-type', 'kinesis', '--source', remoteSource.name, '--id', 'remote'];
  const rowsOfRemoteSource = async () => (await tableRows(table)).filter((row) => row.sourceArn === remoteSource.arn);
  const assumedRoles = async () => (await policyResources(`${functionName}Role`, 'AssumeTargetRoles')) ?? [];

  /** A target in the second account: its queue is looked up in that account's other region, with the role and its external id. */
  beforeAll(async () => {
    remoteSource = await createStream();
    const account = await secondAccount();
    role = account.role;
    const queue = await createQueue({ region: aws.regions[1], credentials: account.credentials });
    const registered = await fanoutConsole([
      'register', 'sqs', ...deployment, ...remote(), '--destination', queue.name, '--active', '--parallel', 'false',
      '--destination-role-arn', role, '--external-id', 'fanout-external-id', '--destination-region', aws.regions[1],
    ]);
    expect(registered).toMatchObject({ code: 0, err: '' });
  });

  it('refuses to remove the role and keep its external id: exit code 2, one line, the row unchanged', async () => {
    await expectRefused(
      ['update', ...deployment, ...remote(), '--destination-role-arn', ''],
      "--external-id: needs a role: pass --destination-role-arn too, or remove the external id with --external-id ''",
    );
    expect(await assumedRoles()).toContain(role);
  });

  it('removes the role, the external id and the region: the rest of the row stays, and the function may no longer assume the role', async () => {
    const [before] = await rowsOfRemoteSource();
    expect(before).toMatchObject({ role, externalId: 'fanout-external-id', region: aws.regions[1], active: true, parallel: false });
    const result = await fanoutConsole(['update', ...deployment, ...remote(), '--destination-role-arn', '', '--external-id', '', '--destination-region', '']);
    expect(result).toMatchObject({ code: 0, err: '' });
    const removed = ['role', 'externalId', 'region'];
    expect(await rowsOfRemoteSource()).toEqual([Object.fromEntries(Object.entries(before!).filter(([field]) => !removed.includes(field)))]);
    expect(await assumedRoles()).not.toContain(role);
  });

  it('removes the Authorization variable of an http target', async () => {
    const hook = ['--source-type', 'kinesis', '--source', remoteSource.name, '--id', 'hook'];
    const registered = await fanoutConsole(['register', 'http', ...deployment, ...hook, '--destination', 'https://hooks.example.com/orders', '--authorization-env', 'HOOK_TOKEN']);
    expect(registered.code).toBe(0);
    expect((await fanoutConsole(['update', ...deployment, ...hook, '--authorization-env', ''])).code).toBe(0);
    const [row] = (await rowsOfRemoteSource()).filter(({ id }) => id === 'hook');
    expect(row).toEqual({ sourceArn: remoteSource.arn, id: 'hook', type: 'http', destination: 'https://hooks.example.com/orders', active: false, collapse: 'JSON', parallel: true, convertDDB: false, deaggregate: false });
  });
});
