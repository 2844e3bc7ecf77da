import { uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { fanoutConsole } from './support/console.js';
import { motoConsumerArn, registerConsumer, streamConsumers, whileMotoTakesConsumer } from './support/consumers.js';
import { mappingsOf, policyResources, rolePolicy, useFreshRuntimeZip } from './support/deployment.js';
import { createQueue, createStream } from './support/destination-resources.js';
import { createSourceTable } from './support/sources.js';

useFreshRuntimeZip();
const functionName = uniqueName('consumers');
const roleName = `${functionName}Role`;
const deployment = ['--function', functionName];
let queueUrl: string;

beforeAll(async () => {
  expect((await fanoutConsole(['deploy', ...deployment])).code).toBe(0);
  ({ url: queueUrl } = await createQueue());
}, 60_000);

/** Runs a command that must succeed, as JSON. */
async function json<T>(args: string[]): Promise<T> {
  const result = await fanoutConsole(['--output', 'json', ...args, ...deployment]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.json<T>();
}

const mappingOf = async (eventSourceArn: string) => (await mappingsOf(functionName)).filter((mapping) => mapping.EventSourceArn === eventSourceArn);
const source = (stream: { name: string }) => ['--source-type', 'kinesis', '--source', stream.name];

describe('hook --consumer', () => {
  it('registers the consumer and maps the function to its ARN; the role reads the stream and subscribes through the consumer', async () => {
    const stream = await createStream();
    const consumerArn = motoConsumerArn(stream.arn, 'copy');
    const view = await whileMotoTakesConsumer(stream.name, 'copy', () =>
      json<Record<string, unknown>>(['hook', ...source(stream), '--consumer', 'copy', '--batch-size', '20']),
    );
    expect(view).toMatchObject({ sourceArn: stream.arn, consumerName: 'copy', consumerArn, consumerOutcome: 'created', state: 'Enabled', batchSize: 20 });
    expect(await streamConsumers(stream.arn)).toEqual([{ name: 'copy', arn: consumerArn }]);
    expect(await mappingOf(consumerArn)).toEqual([expect.objectContaining({ UUID: view.uuid, BatchSize: 20, FunctionResponseTypes: ['ReportBatchItemFailures'] })]);
    expect(await mappingOf(stream.arn)).toEqual([]);
    expect(await policyResources(roleName, 'ReadKinesisSources')).toEqual([stream.arn]);
    expect((await rolePolicy(roleName))!.Statement.find((statement) => statement.Sid === 'ReadKinesisConsumers')).toEqual({
      Sid: 'ReadKinesisConsumers',
      Effect: 'Allow',
      Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'],
      Resource: [consumerArn],
    });

    // the hook is found by its stream: its settings change, it pauses and resumes, and list shows it
    const changed = await json<Record<string, unknown>>(['hook', ...source(stream), '--consumer', 'copy', '--batch-size', '30']);
    expect(changed).toMatchObject({ uuid: view.uuid, batchSize: 30, consumerName: 'copy', consumerOutcome: 'unchanged' });
    expect(await json(['pause', '--source-arn', stream.arn])).toMatchObject({ uuid: view.uuid, state: 'Disabled', consumerName: 'copy' });
    expect(await mappingOf(consumerArn)).toEqual([expect.objectContaining({ State: 'Disabled' })]);
    expect(await json(['resume', '--source-arn', stream.arn])).toMatchObject({ state: 'Enabled' });

    expect((await fanoutConsole(['register', 'sqs', ...deployment, ...source(stream), '--id', 'copy', '--destination', queueUrl])).code).toBe(0);
    const listed = await fanoutConsole(['list', ...deployment, ...source(stream)]);
    const hook = 'enabled (consumer copy)';
    expect(listed.out.split('\n')).toEqual([
      `${'HOOK'.padEnd(hook.length)}  ID    TYPE  ${'DESTINATION'.padEnd(queueUrl.length)}  ACTIVE  STATE  BEHIND  STORED  OPTIONS  LAST ERROR`,
      `${hook}  copy  sqs   ${queueUrl}  no      ok     -       0`,
    ]);
    expect(await json(['list', '--source-arn', stream.arn])).toEqual([
      expect.objectContaining({ sourceArn: stream.arn, id: 'copy', hook: { uuid: view.uuid, state: 'enabled', consumerName: 'copy', consumerArn } }),
    ]);

    const unhooked = await json<Record<string, unknown>>(['unhook', ...source(stream)]);
    expect(unhooked).toEqual({ sourceArn: stream.arn, functionName, uuid: view.uuid, outcome: 'deleted', consumerName: 'copy', consumerArn, consumerOutcome: 'deregistered' });
    expect(await streamConsumers(stream.arn)).toEqual([]);
    expect(await mappingOf(consumerArn)).toEqual([]);
    const sids = (await rolePolicy(roleName))!.Statement.map((statement) => statement.Sid);
    expect(sids).not.toContain('ReadKinesisConsumers');
    expect(sids).not.toContain('ReadKinesisSources');
  });

  it('reuses a consumer the stream has, and unhook leaves it registered', async () => {
    const stream = await createStream();
    const consumerArn = await registerConsumer(stream.arn, 'analytics');
    const hooked = await whileMotoTakesConsumer(stream.name, 'analytics', () => fanoutConsole(['hook', ...deployment, ...source(stream), '--consumer', 'analytics']));
    expect(hooked).toMatchObject({ code: 0, err: '' });
    expect(hooked.out).toMatch(new RegExp(`^hooked ${functionName} on ${stream.arn} through consumer analytics \\(reused\\): mapping `));
    expect(await streamConsumers(stream.arn)).toEqual([{ name: 'analytics', arn: consumerArn }]);
    expect(await mappingOf(consumerArn)).toHaveLength(1);

    const unhooked = await fanoutConsole(['unhook', ...deployment, ...source(stream)]);
    expect(unhooked.out).toMatch(/; consumer analytics kept \(hook did not register it\)\)$/);
    expect(await mappingOf(consumerArn)).toEqual([]);
    expect(await streamConsumers(stream.arn)).toEqual([{ name: 'analytics', arn: consumerArn }]);
  });

  it('takes back the consumer it registered, and the rights, when Lambda refuses the mapping (moto refuses consumer ARNs)', async () => {
    const stream = await createStream();
    const refused = await fanoutConsole(['hook', ...deployment, ...source(stream), '--consumer', 'refused']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Invalid EventSourceArn');
    expect(await streamConsumers(stream.arn)).toEqual([]);
    expect(await mappingsOf(functionName)).not.toContainEqual(expect.objectContaining({ EventSourceArn: motoConsumerArn(stream.arn, 'refused') }));
    expect(await policyResources(roleName, 'ReadKinesisConsumers')).toBeUndefined();
  });

  it('destroy deregisters the consumer hook registered', async () => {
    const name = uniqueName('consumers-destroyed');
    expect((await fanoutConsole(['deploy', '--function', name])).code).toBe(0);
    const stream = await createStream();
    await whileMotoTakesConsumer(stream.name, 'copy', () => fanoutConsole(['hook', '--function', name, ...source(stream), '--consumer', 'copy']));
    expect(await streamConsumers(stream.arn)).toHaveLength(1);
    const destroyed = await fanoutConsole(['--yes', '--output', 'json', 'destroy', '--function', name]);
    expect(destroyed.code).toBe(0);
    expect(destroyed.json<{ steps: unknown[] }>().steps).toContainEqual({ resource: 'consumer', name: motoConsumerArn(stream.arn, 'copy'), outcome: 'deleted' });
    expect(await streamConsumers(stream.arn)).toEqual([]);
  });
});

describe('bad --consumer inputs', () => {
  it('refuses --consumer on a DynamoDB stream, and a name Kinesis would refuse, with exit code 2, naming the flag', async () => {
    const table = await createSourceTable();
    const dynamodb = await fanoutConsole(['hook', ...deployment, '--source-type', 'dynamodb', '--source', table.name, '--consumer', 'copy']);
    expect(dynamodb).toMatchObject({
      code: 2,
      out: '',
      err: `fanout-console: --consumer: enhanced fan-out consumers are Kinesis streams' only; hook the DynamoDB stream ${table.streamArn} without --consumer`,
    });
    const stream = await createStream();
    const badName = await fanoutConsole(['hook', ...deployment, ...source(stream), '--consumer', 'no spaces']);
    expect(badName).toMatchObject({ code: 2, err: 'fanout-console: --consumer: expected a consumer name: 1 to 128 letters, digits, _ . -' });
    expect(await mappingsOf(functionName)).not.toContainEqual(expect.objectContaining({ EventSourceArn: table.streamArn }));
    expect(await streamConsumers(stream.arn)).toEqual([]);
  });

  it('refuses to change how a hook reads its stream: the mapping\'s source is fixed, unhook first', async () => {
    const direct = await createStream();
    expect((await fanoutConsole(['hook', ...deployment, ...source(direct)])).code).toBe(0);
    expect(await fanoutConsole(['hook', ...deployment, ...source(direct), '--consumer', 'copy'])).toMatchObject({
      code: 2,
      err: `fanout-console: --consumer: the hook on ${direct.arn} reads the stream directly; leave out --consumer to change its settings, or unhook, then hook again with --consumer copy`,
    });
    expect(await streamConsumers(direct.arn)).toEqual([]);

    const through = await createStream();
    await whileMotoTakesConsumer(through.name, 'copy', () => fanoutConsole(['hook', ...deployment, ...source(through), '--consumer', 'copy']));
    expect(await fanoutConsole(['hook', ...deployment, ...source(through), '--batch-size', '5'])).toMatchObject({
      code: 2,
      err: `fanout-console: --consumer: the hook on ${through.arn} reads through consumer copy; pass --consumer copy to change its settings, or unhook, then hook again to read the stream directly`,
    });
    expect(await fanoutConsole(['hook', ...deployment, ...source(through), '--consumer', 'other'])).toMatchObject({
      code: 2,
      err: `fanout-console: --consumer: the hook on ${through.arn} reads through consumer copy; pass --consumer copy to change its settings, or unhook, then hook again with --consumer other`,
    });
    expect(await streamConsumers(through.arn)).toEqual([{ name: 'copy', arn: motoConsumerArn(through.arn, 'copy') }]);
    expect(await mappingOf(motoConsumerArn(through.arn, 'copy'))).toEqual([expect.objectContaining({ BatchSize: 100 })]);
  });
});
