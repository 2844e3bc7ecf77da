import { uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFanout, destroyFanout } from '../../src/app/deploy.js';
import { defaultStartingPosition, hookSource, setHookEnabled, unhookSource } from '../../src/app/hooks.js';
import type { StepEvent } from '../../src/app/steps.js';
import { deploymentOf } from '../../src/aws/names.js';
import { UsageError } from '../../src/errors.js';
import { appContext } from '../support/app.js';
import { discoverSources } from '../../src/app/sources.js';
import { motoConsumerArn, streamConsumers, whileMotoTakesConsumer } from '../support/consumers.js';
import { createStream } from '../support/destination-resources.js';
import { mappingsOf, policyResources, useFreshRuntimeZip } from '../support/deployment.js';
import { createSourceTable } from '../support/sources.js';

useFreshRuntimeZip();
const context = appContext();
const functionName = uniqueName('app-hooks');
const deployment = deploymentOf({ function: functionName });
const roleName = `${functionName}Role`;
const policyStep = `policy ${roleName}/fanout`;

beforeAll(async () => {
  await deployFanout(context, deployment);
});

function recorder(): { events: StepEvent[]; onStep: (event: StepEvent) => void } {
  const events: StepEvent[] = [];
  return { events, onStep: (event) => events.push(event) };
}

const mappingOf = async (sourceArn: string) => (await mappingsOf(functionName)).find((mapping) => mapping.EventSourceArn === sourceArn);

describe('hookSource, setHookEnabled, unhookSource', () => {
  it('hooks a stream: the policy first, then the mapping, reporting batch item failures; hooking again changes its settings', async () => {
    const stream = await createStream();
    const { events, onStep } = recorder();
    const hooked = await hookSource(context, deployment, stream.arn, { batchSize: 50 }, onStep);
    expect(hooked.outcome).toBe('created');
    expect(hooked.mapping).toMatchObject({ EventSourceArn: stream.arn, State: 'Enabled', BatchSize: 50 });
    expect(events).toEqual([
      { name: policyStep, state: 'running' },
      { name: policyStep, state: 'done', detail: 'updated' },
      { name: `mapping ${stream.arn}`, state: 'running' },
      { name: `mapping ${stream.arn}`, state: 'done', detail: 'created' },
    ]);
    expect(await mappingOf(stream.arn)).toMatchObject({ UUID: hooked.mapping.UUID, FunctionResponseTypes: ['ReportBatchItemFailures'], StartingPosition: 'TRIM_HORIZON' });
    expect(await policyResources(roleName, 'ReadKinesisSources')).toEqual([stream.arn]);

    const changed = await hookSource(context, deployment, stream.arn, { batchSize: 10 });
    expect(changed).toMatchObject({ outcome: 'updated', mapping: { UUID: hooked.mapping.UUID } });
    expect(await mappingOf(stream.arn)).toMatchObject({ BatchSize: 10 });
  });

  it('pauses and resumes a hook, reporting a step only when it changes something', async () => {
    const stream = await createStream();
    await hookSource(context, deployment, stream.arn);
    const paused = recorder();
    expect(await setHookEnabled(context, deployment, stream.arn, false, paused.onStep)).toMatchObject({ outcome: 'updated', mapping: { State: 'Disabled' } });
    expect(paused.events).toEqual([
      { name: `mapping ${stream.arn}`, state: 'running' },
      { name: `mapping ${stream.arn}`, state: 'done', detail: 'paused' },
    ]);
    expect(await mappingOf(stream.arn)).toMatchObject({ State: 'Disabled' });

    const again = recorder();
    expect(await setHookEnabled(context, deployment, stream.arn, false, again.onStep)).toMatchObject({ outcome: 'unchanged', mapping: { State: 'Disabled' } });
    expect(again.events).toEqual([]);

    expect(await setHookEnabled(context, deployment, stream.arn, true)).toMatchObject({ outcome: 'updated', mapping: { State: 'Enabled' } });
    expect(await mappingOf(stream.arn)).toMatchObject({ State: 'Enabled' });
  });

  it('unhooks: the mapping goes, then the right to read the stream; nothing to do the second time', async () => {
    const stream = await createStream();
    const table = await createSourceTable();
    await hookSource(context, deployment, stream.arn);
    await hookSource(context, deployment, table.streamArn);
    const { events, onStep } = recorder();
    expect(await unhookSource(context, deployment, stream.arn, onStep)).toEqual({ uuid: expect.any(String), outcome: 'deleted' });
    expect(events).toEqual([
      { name: `mapping ${stream.arn}`, state: 'running' },
      { name: `mapping ${stream.arn}`, state: 'done', detail: 'deleted' },
      { name: policyStep, state: 'running' },
      { name: policyStep, state: 'done', detail: 'updated' },
    ]);
    expect(await mappingOf(stream.arn)).toBeUndefined();
    expect(await policyResources(roleName, 'ReadKinesisSources')).not.toContain(stream.arn);
    expect(await policyResources(roleName, 'ReadDynamoDBSources')).toContain(table.streamArn);

    expect(await unhookSource(context, deployment, stream.arn)).toEqual({ outcome: 'absent' });
  });

  it('starts a new hook at TRIM_HORIZON, and one of a source that was hooked and unhooked at LATEST, unless told', async () => {
    const stream = await createStream();
    expect(await defaultStartingPosition(context, deployment, stream.arn)).toEqual({ position: 'TRIM_HORIZON', unhookedAt: undefined });
    const first = await hookSource(context, deployment, stream.arn);
    expect(first.defaultedStart).toEqual({ position: 'TRIM_HORIZON', unhookedAt: undefined });
    const before = Date.now();
    await unhookSource(context, deployment, stream.arn);

    const choice = await defaultStartingPosition(context, deployment, stream.arn);
    expect(choice).toEqual({ position: 'LATEST', unhookedAt: expect.any(String) });
    expect(Date.parse(choice.unhookedAt!)).toBeGreaterThanOrEqual(before - 1000);
    const again = await hookSource(context, deployment, stream.arn);
    expect(again.defaultedStart).toEqual(choice);
    expect(await mappingOf(stream.arn)).toMatchObject({ StartingPosition: 'LATEST' });

    // told, it is what it was told, and no default is said
    await unhookSource(context, deployment, stream.arn);
    const told = await hookSource(context, deployment, stream.arn, { startingPosition: 'TRIM_HORIZON' });
    expect(told.defaultedStart).toBeUndefined();
    expect(await mappingOf(stream.arn)).toMatchObject({ StartingPosition: 'TRIM_HORIZON' });
  });

  it('remembers the hooks destroy deletes when the tables stay: the stream hooked again after a new deploy starts at LATEST', async () => {
    const other = deploymentOf({ function: uniqueName('app-destroyed') });
    await deployFanout(context, other);
    const stream = await createStream();
    await hookSource(context, other, stream.arn);
    await destroyFanout(context, other);
    await deployFanout(context, other);
    expect(await defaultStartingPosition(context, other, stream.arn)).toEqual({ position: 'LATEST', unhookedAt: expect.any(String) });
  });

  it('hooks through a consumer: the consumer first, then the policy and the mapping; unhook deregisters it after the mapping', async () => {
    const stream = await createStream();
    const consumerArn = motoConsumerArn(stream.arn, 'copy');
    const hooking = recorder();
    const hooked = await whileMotoTakesConsumer(stream.name, 'copy', () => hookSource(context, deployment, stream.arn, { consumer: 'copy' }, hooking.onStep));
    expect(hooked).toMatchObject({ outcome: 'created', consumer: { name: 'copy', arn: consumerArn, outcome: 'created' }, mapping: { EventSourceArn: consumerArn } });
    expect(hooking.events.map(({ name, state, detail }) => [name, state, detail])).toEqual([
      ['consumer copy', 'running', undefined],
      ['consumer copy', 'done', 'created'],
      [policyStep, 'running', undefined],
      [policyStep, 'done', 'updated'],
      [`mapping ${stream.arn}`, 'running', undefined],
      [`mapping ${stream.arn}`, 'done', 'created'],
    ]);
    expect(await policyResources(roleName, 'ReadKinesisConsumers')).toEqual([consumerArn]);
    expect(await discoverSources(context, deployment)).toContainEqual(expect.objectContaining({ arn: stream.arn, hook: 'enabled', consumer: 'copy' }));

    const unhooking = recorder();
    expect(await unhookSource(context, deployment, stream.arn, unhooking.onStep)).toEqual({
      uuid: hooked.mapping.UUID,
      outcome: 'deleted',
      consumer: { name: 'copy', arn: consumerArn, outcome: 'deregistered' },
    });
    expect(unhooking.events.filter(({ state }) => state === 'done').map(({ name, detail }) => [name, detail])).toEqual([
      [`mapping ${stream.arn}`, 'deleted'],
      ['consumer copy', 'deregistered'],
      [policyStep, 'updated'],
    ]);
    expect(await streamConsumers(stream.arn)).toEqual([]);
    expect(await policyResources(roleName, 'ReadKinesisConsumers')).toBeUndefined();
  });

  it('refuses, before changing anything, AT_TIMESTAMP on a DynamoDB stream, a new starting position, and pausing what is not hooked', async () => {
    const table = await createSourceTable();
    const { events, onStep } = recorder();
    await expect(hookSource(context, deployment, table.streamArn, { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: new Date() }, onStep)).rejects.toThrow(
      new UsageError('--starting-position: AT_TIMESTAMP applies to Kinesis streams only; DynamoDB streams start at TRIM_HORIZON or LATEST'),
    );
    expect(events).toEqual([]);
    expect(await mappingOf(table.streamArn)).toBeUndefined();

    const stream = await createStream();
    await hookSource(context, deployment, stream.arn);
    await expect(hookSource(context, deployment, stream.arn, { startingPosition: 'LATEST' })).rejects.toThrow(
      `--starting-position: the hook on ${stream.arn} exists and keeps its starting position; unhook, then hook again to change it`,
    );
    await expect(setHookEnabled(context, deployment, table.streamArn, false)).rejects.toThrow(
      `--source: ${functionName} is not hooked to ${table.streamArn}; run fanout-console hook first`,
    );
  });
});
