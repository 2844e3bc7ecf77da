import { uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, fanoutConsole } from './support/console.js';
import { createQueue, createStream, createTopic } from './support/destination-resources.js';
import { mappingsOf, policyResources, rolePolicy, useFreshRuntimeZip } from './support/deployment.js';
import { createSourceTable } from './support/sources.js';
import { putRow } from './support/state.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;

interface MappingView {
  uuid: string;
  sourceArn: string;
  state: string;
  batchSize: number;
  startingPosition: string;
  functionResponseTypes: string[];
}

const functionName = uniqueName('hooks');
const roleName = `${functionName}Role`;
const tableArn = `arn:aws:dynamodb:${region}:${account}:table/${functionName}Targets`;
const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${functionName}`;
let stream: { name: string; arn: string };
let sourceTable: { name: string; streamArn: string };
let failedBatches: string;

beforeAll(async () => {
  expect((await fanoutConsole(['deploy', '--function', functionName])).code).toBe(0);
  stream = await createStream();
  sourceTable = await createSourceTable();
  failedBatches = `arn:aws:sqs:${region}:${account}:${(await createQueue()).name}`;
});

async function hookSource(args: string[]): Promise<MappingView> {
  const result = await fanoutConsole(['--output', 'json', ...args, '--function', functionName]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result.json<MappingView>();
}

const state = async (sourceArn: string) => (await mappingsOf(functionName)).find((mapping) => mapping.EventSourceArn === sourceArn);

describe('hook, pause, resume and unhook', () => {
  it('hooks a Kinesis stream with the flags given, reporting batch item failures, and lets the role read exactly that stream', async () => {
    const view = await hookSource([
      'hook',
      '--source-type',
      'kinesis',
      '--source',
      stream.name,
      '--batch-size',
      '50',
      '--starting-position',
      'LATEST',
      '--batching-window',
      '5',
      '--parallelization-factor',
      '2',
      '--maximum-retry-attempts',
      '3',
      '--maximum-record-age',
      '3600',
      '--bisect-batch-on-error',
      '--on-failure-destination',
      failedBatches,
    ]);
    expect(view).toMatchObject({ sourceArn: stream.arn, state: 'Enabled', batchSize: 50, startingPosition: 'LATEST' });
    expect(await state(stream.arn)).toMatchObject({
      UUID: view.uuid,
      State: 'Enabled',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 50,
      StartingPosition: 'LATEST',
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 2,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: failedBatches } },
    });
    expect(await policyResources(roleName, 'ReadKinesisSources')).toEqual([stream.arn]);
    expect(await policyResources(roleName, 'SendToQueues')).toEqual([failedBatches]);
    expect(await policyResources(roleName, 'ReadTargets')).toEqual([tableArn]);
    expect(await policyResources(roleName, 'WriteLogs')).toEqual([logGroup, `${logGroup}:*`]);
  });

  it('pauses and resumes the hook; pausing twice changes nothing', async () => {
    const source = ['--source-arn', stream.arn];
    expect(await hookSource(['pause', ...source])).toMatchObject({ state: 'Disabled', outcome: 'updated' });
    expect(await state(stream.arn)).toMatchObject({ State: 'Disabled' });
    const again = await fanoutConsole(['pause', ...source, '--function', functionName]);
    expect(again.out).toMatch(new RegExp(`^${functionName} on ${stream.arn} is already paused`));
    expect(await hookSource(['resume', ...source])).toMatchObject({ state: 'Enabled', outcome: 'updated' });
    expect(await state(stream.arn)).toMatchObject({ State: 'Enabled' });
  });

  it('hooks a DynamoDB table\'s stream by the table\'s name, from TRIM_HORIZON 100 at a time by default', async () => {
    const view = await hookSource(['hook', '--source-type', 'dynamodb', '--source', sourceTable.name]);
    expect(view.sourceArn).toBe(sourceTable.streamArn);
    expect(await state(sourceTable.streamArn)).toMatchObject({
      State: 'Enabled',
      BatchSize: 100,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(await policyResources(roleName, 'ReadKinesisSources')).toEqual([stream.arn]);
    expect(await policyResources(roleName, 'ReadDynamoDBSources')).toEqual([sourceTable.streamArn]);
  });

  it('changes the settings of an existing hook, and refuses to change its starting position', async () => {
    const before = (await state(stream.arn))!;
    const otherQueue = `arn:aws:sqs:${region}:${account}:${(await createQueue()).name}`;
    const view = await hookSource(['hook', '--source-arn', stream.arn, '--batch-size', '10', '--on-failure-destination', otherQueue]);
    expect(view).toMatchObject({ uuid: before.UUID, batchSize: 10 });
    expect(await state(stream.arn)).toMatchObject({
      UUID: before.UUID,
      BatchSize: 10,
      MaximumRetryAttempts: 3,
      StartingPosition: 'LATEST',
      DestinationConfig: { OnFailure: { Destination: otherQueue } },
    });
    expect(await policyResources(roleName, 'SendToQueues')).toEqual([otherQueue]);

    const refused = await fanoutConsole(['hook', '--function', functionName, '--source-arn', stream.arn, '--starting-position', 'TRIM_HORIZON']);
    expect(refused).toMatchObject({
      code: 2,
      err: `fanout-console: --starting-position: the hook on ${stream.arn} exists and keeps its starting position; unhook, then hook again to change it`,
    });
    expect(await state(stream.arn)).toMatchObject({ BatchSize: 10, StartingPosition: 'LATEST' });
  });

  it('grants the sends of the valid rows of the targets table, and nothing for invalid ones', async () => {
    const topic = await createTopic();
    await putRow(`${functionName}Targets`, { sourceArn: stream.arn, id: 'alerts', type: 'sns', destination: topic.arn, active: true });
    await putRow(`${functionName}Targets`, { sourceArn: stream.arn, id: 'broken', type: 'sns', destination: 'not-an-arn', active: true });
    await hookSource(['hook', '--source-arn', stream.arn]);
    expect(await policyResources(roleName, 'PublishToTopics')).toEqual([topic.arn]);
  });

  it('unhooks: the mapping goes, and so does the role\'s right to read the stream', async () => {
    const result = await fanoutConsole(['unhook', '--function', functionName, '--source-type', 'kinesis', '--source', stream.name]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(await state(stream.arn)).toBeUndefined();
    const sids = (await rolePolicy(roleName))!.Statement.map((statement) => statement.Sid);
    expect(sids).not.toContain('ReadKinesisSources');
    expect(sids).not.toContain('SendToQueues');
    expect(await policyResources(roleName, 'ReadDynamoDBSources')).toEqual([sourceTable.streamArn]);

    const again = await fanoutConsole(['unhook', '--function', functionName, '--source-arn', stream.arn]);
    expect(again).toMatchObject({ code: 0, out: `${functionName} is not hooked to ${stream.arn}; nothing to do` });
  });

  it('hooks a stream that was unhooked at LATEST unless told, saying why; --starting-position TRIM_HORIZON reads it all again', async () => {
    const rehooked = await fanoutConsole(['hook', '--function', functionName, '--source-arn', stream.arn]);
    expect(rehooked).toMatchObject({ code: 0, err: '' });
    expect(rehooked.out).toMatch(/, starting position LATEST \(unhooked at \d{4}-\d\d-\d\dT[\d:.]+Z: new records only; --starting-position TRIM_HORIZON reads the whole stream again\)$/);
    expect(await state(stream.arn)).toMatchObject({ StartingPosition: 'LATEST' });

    expect((await fanoutConsole(['unhook', '--function', functionName, '--source-arn', stream.arn])).code).toBe(0);
    const told = await hookSource(['hook', '--source-arn', stream.arn, '--starting-position', 'TRIM_HORIZON']);
    expect(told.startingPosition).toBe('TRIM_HORIZON');
    expect(told).not.toHaveProperty('unhookedAt');
    expect(await state(stream.arn)).toMatchObject({ StartingPosition: 'TRIM_HORIZON' });
  });
});

describe('bad hook inputs', () => {
  it.each([
    [['hook', '--source-type', 'kinesis', '--source', 'missing-stream'], `--source: no Kinesis stream "missing-stream" in ${region}`],
    [['hook', '--source-type', 'dynamodb', '--source', 'missing-table'], `--source: no DynamoDB table "missing-table" in ${region}`],
    [['hook', '--source-type', 'dynamodb', '--source', 'TABLE_WITHOUT_STREAM'], '--source: table "TABLE_WITHOUT_STREAM" has no stream; enable DynamoDB Streams on it (e.g. with NEW_AND_OLD_IMAGES) first'],
    [['hook', '--source', 'STREAM'], '--source-type: required with --source; expected kinesis or dynamodb'],
    [['hook'], '--source: required; give --source-type and --source NAME, or --source-arn ARN'],
    [
      ['hook', '--source-arn', 'arn:aws:kinesis:us-east-1:123456789012:orders'],
      '--source-arn: "arn:aws:kinesis:us-east-1:123456789012:orders" is not a Kinesis stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) or a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)',
    ],
    [['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--starting-position', 'AT_TIMESTAMP'], '--starting-position-timestamp: required with --starting-position AT_TIMESTAMP'],
    [['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--starting-position', 'EARLIEST'], '--starting-position: expected TRIM_HORIZON, LATEST, AT_TIMESTAMP'],
    [['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--starting-position-timestamp', '2026-01-01T00:00:00Z'], '--starting-position-timestamp: goes with --starting-position AT_TIMESTAMP only'],
    [
      ['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--starting-position', 'AT_TIMESTAMP', '--starting-position-timestamp', 'yesterday'],
      '--starting-position-timestamp: expected an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z',
    ],
    [['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--batch-size', '0'], '--batch-size: expected a whole number of records from 1 to 10000'],
    [['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--maximum-record-age', '30'], '--maximum-record-age: expected -1 (no limit) or a whole number of seconds from 60 to 604800'],
    [
      ['hook', '--source', 'STREAM', '--source-type', 'kinesis', '--on-failure-destination', 'https://sqs.us-east-1.amazonaws.com/123456789012/q'],
      '--on-failure-destination: expected an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME) or an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)',
    ],
    [
      ['hook', '--source-type', 'dynamodb', '--source', 'SOURCE_TABLE', '--starting-position', 'AT_TIMESTAMP', '--starting-position-timestamp', '2026-01-01T00:00:00Z'],
      '--starting-position: AT_TIMESTAMP applies to Kinesis streams only; DynamoDB streams start at TRIM_HORIZON or LATEST',
    ],
    [['pause', '--source', 'STREAM', '--source-type', 'kinesis'], '--source: FUNCTION is not hooked to STREAM_ARN; run fanout-console hook first'],
  ])('refuses %j with exit code 2 and one line naming the flag, and hooks nothing', async (args, message) => {
    const name = uniqueName('unhooked');
    expect((await fanoutConsole(['deploy', '--function', name])).code).toBe(0);
    const unstreamed = await createSourceTable(false);
    const substitute = (text: string) =>
      text
        .replaceAll('TABLE_WITHOUT_STREAM', unstreamed.name)
        .replaceAll('SOURCE_TABLE', sourceTable.name)
        .replaceAll('STREAM_ARN', stream.arn)
        .replaceAll('STREAM', stream.name)
        .replaceAll('FUNCTION', name);
    const result = await fanoutConsole([...args.map(substitute), '--function', name]);
    expect(result).toMatchObject({ code: 2, out: '', err: `fanout-console: ${substitute(message)}` });
    expect(await mappingsOf(name)).toEqual([]);
  });

  it('refuses to hook a function that is not deployed', async () => {
    const name = uniqueName('undeployed');
    const result = await fanoutConsole(['hook', '--function', name, '--source-arn', stream.arn]);
    expect(result).toMatchObject({ code: 2, err: `fanout-console: --function: no function ${name} in ${region}; run fanout-console deploy first` });
  });
});
