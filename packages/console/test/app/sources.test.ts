import { uniqueName } from '@fanout/testbed';
import pLimit from 'p-limit';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployFanout } from '../../src/app/deploy.js';
import { hookSource, setHookEnabled } from '../../src/app/hooks.js';
import { discoverSources, type DiscoveredSource } from '../../src/app/sources.js';
import { deploymentOf } from '../../src/aws/names.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import { createQueue, createStream } from '../support/destination-resources.js';
import { useFreshRuntimeZip } from '../support/deployment.js';
import { createSourceTable } from '../support/sources.js';
import { minutesAgo, putRow, putTargetState } from '../support/state.js';

useFreshRuntimeZip();
const [, otherRegion] = aws.regions;
const [, otherAccount] = aws.accounts;
const context = appContext();
const functionName = uniqueName('app-sources');
const deployment = deploymentOf({ function: functionName });
/** moto's page size for ListTables (AWS's is 100 too). */
const TABLES_PER_PAGE = 100;

let hooked: { name: string; arn: string };
let paused: { name: string; arn: string };
let idle: { name: string; arn: string };
let streamedTable: { name: string; streamArn: string };
let plainTable: { name: string; streamArn: string };
const elsewhere = `arn:aws:kinesis:${otherRegion}:${otherAccount}:stream/${uniqueName('elsewhere')}`;

beforeAll(async () => {
  await deployFanout(context, deployment);
  [hooked, paused, idle, streamedTable, plainTable] = await Promise.all([createStream(), createStream(), createStream(), createSourceTable(), createSourceTable(false)]);
  await hookSource(context, deployment, hooked.arn);
  await hookSource(context, deployment, paused.arn);
  await setHookEnabled(context, deployment, paused.arn, false);
  await hookSource(context, deployment, streamedTable.streamArn);

  const { url } = await createQueue();
  const row = (sourceArn: string, id: string, active: boolean) => ({ sourceArn, id, type: 'sqs', destination: url, active });
  await putRow(deployment.tableName, row(hooked.arn, 'first', true));
  await putRow(deployment.tableName, row(hooked.arn, 'second', true));
  await putRow(deployment.tableName, row(hooked.arn, 'off', false));
  // active, but the function skips a row that does not validate
  await putRow(deployment.tableName, { ...row(hooked.arn, 'broken', true), destination: 'not-a-url' });
  await putRow(deployment.tableName, row(elsewhere, 'far', true));
});

const byArn = (sources: DiscoveredSource[], arn: string) => sources.filter((source) => source.arn === arn);

describe('discoverSources', () => {
  it('lists the streams and the tables with a stream, each with its hook and its target counts', async () => {
    const sources = await discoverSources(context, deployment);
    expect(byArn(sources, hooked.arn)).toEqual([{ kind: 'kinesis', name: hooked.name, arn: hooked.arn, hook: 'enabled', targets: { active: 2, all: 4 }, stuck: 0, listed: true }]);
    expect(byArn(sources, paused.arn)).toEqual([{ kind: 'kinesis', name: paused.name, arn: paused.arn, hook: 'paused', targets: { active: 0, all: 0 }, stuck: 0, listed: true }]);
    expect(byArn(sources, idle.arn)).toEqual([{ kind: 'kinesis', name: idle.name, arn: idle.arn, hook: 'none', targets: { active: 0, all: 0 }, stuck: 0, listed: true }]);
    expect(byArn(sources, streamedTable.streamArn)).toEqual([
      { kind: 'dynamodb', name: streamedTable.name, arn: streamedTable.streamArn, hook: 'enabled', targets: { active: 0, all: 0 }, stuck: 0, listed: true },
    ]);
    const names = sources.map((source) => source.name);
    expect(names).not.toContain(plainTable.name);
    expect(names).not.toContain(deployment.tableName);
  });

  it('adds the sources that only target rows or hooks name, as not listed', async () => {
    const sources = await discoverSources(context, deployment);
    expect(byArn(sources, elsewhere)).toEqual([{ kind: 'kinesis', name: elsewhere.split('/').pop(), arn: elsewhere, hook: 'none', targets: { active: 1, all: 1 }, stuck: 0, listed: false }]);
  });

  it('counts each source\'s stuck targets, from the states in the progress table', async () => {
    const progressTable = `${functionName}Progress`;
    await putTargetState(progressTable, hooked.arn, 'first', { state: 'stuck', since: minutesAgo(10), lastError: 'unreachable' });
    await putTargetState(progressTable, hooked.arn, 'second', { state: 'retrying', since: minutesAgo(1) });
    await putTargetState(progressTable, streamedTable.streamArn, 'gone', { state: 'ok', since: minutesAgo(5) });
    const sources = await discoverSources(context, deployment);
    expect(byArn(sources, hooked.arn)).toEqual([expect.objectContaining({ stuck: 1 })]);
    expect(byArn(sources, streamedTable.streamArn)).toEqual([expect.objectContaining({ stuck: 0 })]);
    expect(byArn(sources, paused.arn)).toEqual([expect.objectContaining({ stuck: 0 })]);
  });

  it('sorts by kind, then name', async () => {
    const sources = await discoverSources(context, deployment);
    const keys = sources.map((source) => [source.kind, source.name]);
    expect(keys).toEqual([...keys].sort(([kindA, nameA], [kindB, nameB]) => kindA!.localeCompare(kindB!) || nameA!.localeCompare(nameB!)));
  });

  it('lists the sources without hooks or targets when nothing is deployed', async () => {
    const sources = await discoverSources(context, deploymentOf({ function: uniqueName('undeployed') }));
    expect(byArn(sources, hooked.arn)).toEqual([expect.objectContaining({ hook: 'none', targets: { active: 0, all: 0 }, listed: true })]);
    expect(byArn(sources, elsewhere)).toEqual([]);
  });

  it('finds the tables of every page of ListTables', async () => {
    const create = pLimit(10);
    const tables = await Promise.all(Array.from({ length: TABLES_PER_PAGE + 5 }, () => create(() => createSourceTable())));
    const found = new Set((await discoverSources(context, deployment)).map((source) => source.arn));
    expect(tables.filter((table) => !found.has(table.streamArn))).toEqual([]);
  });
});
