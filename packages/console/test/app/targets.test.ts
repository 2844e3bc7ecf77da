import { uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { checkDestination, listTargets, registerTarget, setActive, unregisterTarget, updateTarget, validateTargetDraft } from '../../src/app/targets.js';
import { deploymentOf } from '../../src/aws/names.js';
import { UsageError } from '../../src/errors.js';
import { appContext } from '../support/app.js';
import { aws, fanoutConsole } from '../support/console.js';
import { createQueue, createStream } from '../support/destination-resources.js';
import { policyResources, useFreshRuntimeZip } from '../support/deployment.js';
import { tableRows } from '../support/state.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;
const context = appContext();
const functionName = uniqueName('app-targets');
const deployment = deploymentOf({ function: functionName });
const roleName = `${functionName}Role`;
let sourceArn: string;
let queue: { name: string; url: string };
let queueArn: string;

beforeAll(async () => {
  await deployFanout(context, deployment);
  ({ arn: sourceArn } = await createStream());
  queue = await createQueue();
  queueArn = `arn:aws:sqs:${region}:${account}:${queue.name}`;
});

describe('registerTarget, listTargets, updateTarget, setActive, unregisterTarget', () => {
  it('registers a target by its queue name: the row holds the URL, inactive by default, and the role may send to it', async () => {
    const target = await registerTarget(context, deployment, { sourceArn, id: 'copy', type: 'sqs', destination: queue.name, collapse: 'none' });
    const row = { sourceArn, id: 'copy', type: 'sqs', destination: queue.url, active: false, collapse: 'none', parallel: true, convertDDB: false, deaggregate: false };
    expect(target).toEqual(row);
    expect(await tableRows(deployment.tableName)).toEqual([row]);
    expect(await listTargets(context, deployment, sourceArn)).toEqual([{ row, target: row, problems: [] }]);
    expect(await policyResources(roleName, 'SendToQueues')).toEqual([queueArn]);
  });

  it('writes the same row as the register command given the same target', async () => {
    const app = await registerTarget(context, deployment, { sourceArn, id: 'by-app', type: 'sqs', destination: queue.name, active: true, parallel: false });
    const command = await fanoutConsole([
      '--output', 'json', 'register', 'sqs', '--function', functionName, '--source-arn', sourceArn,
      '--id', 'by-command', '--destination', queue.name, '--active', '--parallel', 'false',
    ]);
    expect(command.err).toBe('');
    expect({ ...command.json<object>(), id: 'by-app' }).toEqual(app);
  });

  it('refuses an id the source has already, and a row the runtime would not take, naming the flag', async () => {
    await expect(registerTarget(context, deployment, { sourceArn, id: 'copy', type: 'sqs', destination: queue.url })).rejects.toThrow(
      new UsageError(`--id: target "copy" already exists for ${sourceArn}; change it with update`),
    );
    await expect(registerTarget(context, deployment, { sourceArn, id: 'ddb', type: 'sqs', destination: queue.url, convertDDB: true })).rejects.toThrow(
      new UsageError('--convert-ddb: applies to DynamoDB sources only; remove it'),
    );
    await expect(registerTarget(context, deployment, { sourceArn, id: 'nowhere', type: 'sqs' })).rejects.toThrow(
      new UsageError('--destination: required; pass a queue name, ARN or URL'),
    );
  });

  it('switches a target on and off, returning the row written', async () => {
    expect(await setActive(context, deployment, sourceArn, 'copy', true)).toMatchObject({ id: 'copy', active: true, collapse: 'none' });
    expect((await tableRows(deployment.tableName)).find((row) => row.id === 'copy')).toMatchObject({ active: true });
    expect(await setActive(context, deployment, sourceArn, 'copy', false)).toMatchObject({ active: false });
    expect((await tableRows(deployment.tableName)).find((row) => row.id === 'copy')).toMatchObject({ active: false });
    await expect(setActive(context, deployment, sourceArn, 'missing', true)).rejects.toThrow(`--id: no target "missing" for ${sourceArn}; see fanout-console list`);
  });

  it('updates the fields given and keeps the others', async () => {
    const updated = await updateTarget(context, deployment, sourceArn, 'copy', { collapse: 'concat', parallel: false });
    expect(updated).toMatchObject({ destination: queue.url, collapse: 'concat', parallel: false, active: false });
    expect((await tableRows(deployment.tableName)).find((row) => row.id === 'copy')).toEqual(updated);
  });

  it('unregisters without asking, and the role may no longer send where no target goes', async () => {
    for (const id of ['copy', 'by-app', 'by-command']) await unregisterTarget(context, deployment, sourceArn, id);
    expect(await listTargets(context, deployment, sourceArn)).toEqual([]);
    expect(await policyResources(roleName, 'SendToQueues')).toBeUndefined();
    await expect(unregisterTarget(context, deployment, sourceArn, 'copy')).rejects.toThrow(`--id: no target "copy" for ${sourceArn}; see fanout-console list`);
  });
});

describe('validateTargetDraft', () => {
  const kinesisSource = `arn:aws:kinesis:${region}:${account}:stream/orders`;

  it('finds nothing wrong with an empty draft, nor with a draft missing fields the wizard asks later', () => {
    expect(validateTargetDraft({})).toEqual({});
    expect(validateTargetDraft({ sourceArn: kinesisSource, type: 'sqs' })).toEqual({});
    expect(validateTargetDraft({ sourceArn: kinesisSource, type: 'sqs', id: 'copy', destination: undefined })).toEqual({});
  });

  it('reports the problems of each field it has, with the runtime\'s words', () => {
    expect(validateTargetDraft({ type: 'smtp' as never, id: '' })).toEqual({
      type: ['expected one of sns, sqs, es, kinesis, firehose, iot, lambda, redis, memcached, http'],
      id: ['expected a non-empty id'],
    });
    expect(validateTargetDraft({ sourceArn: 'orders' })).toEqual({ sourceArn: [expect.stringMatching(/^expected the ARN of a Kinesis stream/)] });
  });

  it('checks the fields against each other once the draft has its source and type', () => {
    expect(validateTargetDraft({ sourceArn: kinesisSource, type: 'sqs', destination: 'orders' })).toEqual({
      destination: ['"orders" is not a URL (an SQS queue URL); expected a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE)'],
    });
    expect(validateTargetDraft({ sourceArn: kinesisSource, type: 'http', region: 'eu-west-1', convertDDB: true, externalId: 'abc' })).toEqual({
      region: ['not available for http targets (it applies to AWS services only); remove it'],
      externalId: ['not available for http targets (it applies to AWS services only); remove it', 'needs a role; set role too, or remove externalId'],
      convertDDB: ['applies to DynamoDB sources only; remove it'],
    });
  });

  it('finds nothing wrong with a complete, valid draft', () => {
    expect(
      validateTargetDraft({ sourceArn: kinesisSource, type: 'sqs', id: 'copy', destination: queue.url, active: true, collapse: 'concat-b64', deaggregate: true }),
    ).toEqual({});
  });
});

describe('checkDestination', () => {
  it('gives the destination as the row stores it, or the problem', async () => {
    expect(await checkDestination(context, { type: 'sqs', destination: queue.name })).toEqual({ ok: true, destination: queue.url });
    const missing = uniqueName('absent');
    expect(await checkDestination(context, { type: 'sqs', destination: missing })).toEqual({
      ok: false,
      problem: `--destination: no SQS queue named "${missing}" in ${region} (account ${account}); create it or pass its URL`,
    });
    expect(await checkDestination(context, { type: 'es', destination: 'https://search.example.com' })).toEqual({
      ok: false,
      problem: '--index: required for es targets; name the OpenSearch index to write to',
    });
  });
});
