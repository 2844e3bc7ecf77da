import { uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { deployFanout, destroyFanout } from '../../src/app/deploy.js';
import { hookSource } from '../../src/app/hooks.js';
import type { StepEvent } from '../../src/app/steps.js';
import { deploymentOf } from '../../src/aws/names.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import { createStream } from '../support/destination-resources.js';
import { bucketExists, createTableWithOtherKeys, functionConfiguration, mappingsOf, role, table, useFreshRuntimeZip } from '../support/deployment.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;
const context = appContext();

/** The step events of one call, in the order they came. */
function recorder(): { events: StepEvent[]; onStep: (event: StepEvent) => void } {
  const events: StepEvent[] = [];
  return { events, onStep: (event) => events.push(event) };
}

/** Each named step running, then done with its outcome. */
function ranAndDone(steps: Array<[name: string, outcome: string]>): StepEvent[] {
  return steps.flatMap(([name, outcome]) => [
    { name, state: 'running' },
    { name, state: 'done', detail: outcome },
  ]);
}

describe('deployFanout', () => {
  it('reports the role, the tables, the failure store, the function and the policy as it makes them, then finds them unchanged', async () => {
    const functionName = uniqueName('app-deploy');
    const bucket = `${functionName}-failures-${account}-${region}`;
    const deployment = deploymentOf({ function: functionName });
    const first = recorder();
    const deployed = await deployFanout(context, deployment, { memory: 256 }, first.onStep);
    expect(deployed).toMatchObject({
      functionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
      tableArn: `arn:aws:dynamodb:${region}:${account}:table/${functionName}Targets`,
      progressTableArn: `arn:aws:dynamodb:${region}:${account}:table/${functionName}Progress`,
      failureStoreArn: `arn:aws:s3:::${bucket}`,
      roleArn: `arn:aws:iam::${account}:role/${functionName}Role`,
    });
    expect(first.events).toEqual(
      ranAndDone([
        [`role ${functionName}Role`, 'created'],
        [`table ${functionName}Targets`, 'created'],
        [`progress-table ${functionName}Progress`, 'created'],
        [`failure-store ${bucket}`, 'created'],
        [`function ${functionName}`, 'created'],
        [`policy ${functionName}Role/fanout`, 'created'],
      ]),
    );
    expect(deployed.steps.map((step) => [step.resource, step.outcome])).toEqual([
      ['role', 'created'],
      ['table', 'created'],
      ['progress-table', 'created'],
      ['failure-store', 'created'],
      ['function', 'created'],
      ['policy', 'created'],
    ]);
    expect(await functionConfiguration(functionName)).toMatchObject({ MemorySize: 256, Role: deployed.roleArn });

    const second = recorder();
    await deployFanout(context, deployment, {}, second.onStep);
    expect(second.events.filter((event) => event.state === 'done').map((event) => event.detail)).toEqual(Array(6).fill('unchanged'));
  });

  it('reports the step that fails with its error, stops there, and throws', async () => {
    const functionName = uniqueName('app-deploy-fails');
    await createTableWithOtherKeys(`${functionName}Targets`);
    const message = `--table: table ${functionName}Targets exists with other keys; a targets table has hash key sourceArn (S) and range key id (S)`;
    const { events, onStep } = recorder();
    await expect(deployFanout(context, deploymentOf({ function: functionName }), {}, onStep)).rejects.toThrow(message);
    expect(events).toEqual([
      ...ranAndDone([[`role ${functionName}Role`, 'created']]),
      { name: `table ${functionName}Targets`, state: 'running' },
      { name: `table ${functionName}Targets`, state: 'failed', detail: message },
    ]);
    expect(await functionConfiguration(functionName)).toBeUndefined();
  });
});

describe('destroyFanout', () => {
  it('deletes the mappings, the function, and the table and the role when asked, reporting each', async () => {
    const functionName = uniqueName('app-destroy');
    const deployment = deploymentOf({ function: functionName });
    await deployFanout(context, deployment);
    const stream = await createStream();
    await hookSource(context, deployment, stream.arn);

    const { events, onStep } = recorder();
    const bucket = `${functionName}-failures-${account}-${region}`;
    const steps = await destroyFanout(context, deployment, { deleteTable: true, deleteStore: true, deleteRole: true }, onStep);
    expect(events).toEqual(
      ranAndDone([
        [`mapping ${stream.arn}`, 'deleted'],
        [`function ${functionName}`, 'deleted'],
        [`table ${functionName}Targets`, 'deleted'],
        [`progress-table ${functionName}Progress`, 'deleted'],
        [`failure-store ${bucket}`, 'deleted'],
        [`role ${functionName}Role`, 'deleted'],
      ]),
    );
    expect(steps.map((step) => [step.resource, step.name, step.outcome])).toEqual([
      ['mapping', stream.arn, 'deleted'],
      ['function', functionName, 'deleted'],
      ['table', `${functionName}Targets`, 'deleted'],
      ['progress-table', `${functionName}Progress`, 'deleted'],
      ['failure-store', bucket, 'deleted'],
      ['role', `${functionName}Role`, 'deleted'],
    ]);
    expect(await mappingsOf(functionName)).toEqual([]);
    expect(await functionConfiguration(functionName)).toBeUndefined();
    expect(await table(`${functionName}Targets`)).toBeUndefined();
    expect(await table(`${functionName}Progress`)).toBeUndefined();
    expect(await bucketExists(bucket)).toBe(false);
    expect(await role(`${functionName}Role`)).toBeUndefined();
  });

  it('keeps the table and the role unless each is asked for, and says what was already absent', async () => {
    const functionName = uniqueName('app-destroy-keep');
    const deployment = deploymentOf({ function: functionName });
    await deployFanout(context, deployment);
    expect((await destroyFanout(context, deployment)).map((step) => [step.resource, step.outcome])).toEqual([
      ['function', 'deleted'],
      ['policy', 'deleted'],
    ]);
    expect(await table(`${functionName}Targets`)).toBeDefined();
    expect(await role(`${functionName}Role`)).toBeDefined();

    const tableOnly = await destroyFanout(context, deployment, { deleteTable: true });
    expect(tableOnly.map((step) => [step.resource, step.outcome])).toEqual([
      ['function', 'absent'],
      ['table', 'deleted'],
      ['progress-table', 'deleted'],
      ['policy', 'absent'],
    ]);
    expect(await table(`${functionName}Targets`)).toBeUndefined();
    expect(await table(`${functionName}Progress`)).toBeUndefined();
    // the failure store stays unless asked for
    expect(await bucketExists(`${functionName}-failures-${account}-${region}`)).toBe(true);
    expect(await role(`${functionName}Role`)).toBeDefined();
  });
});
