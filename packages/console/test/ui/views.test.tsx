import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { ENVIRONMENT } from '@fanout/runtime/config';
import { HttpSinkClient, awsClientConfig, uniqueName } from '@fanout/testbed';
import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { deploymentOf } from '../../src/aws/names.js';
import { App } from '../../src/ui/App.js';
import { appServices } from '../../src/ui/services.js';
import { appContext } from '../support/app.js';
import { aws, fanoutConsole } from '../support/console.js';
import { createQueue, createStream } from '../support/destination-resources.js';
import { lambda } from '../support/deployment.js';
import { putRecentCounter } from '../support/metrics.js';
import { tableRows } from '../support/state.js';
import { KEYS, expectFits, fitsIn, frameWhere, press, resize } from '../support/ui.js';

const sink = new HttpSinkClient(inject('testbed').http.endpoint);
const functionName = uniqueName('views');
const deployment = deploymentOf({ function: functionName });
/** What the function is deployed with here: it sees a change within 15 s. */
const CONFIG_TTL_SECONDS = 15;
let stream: { name: string; arn: string };
let alphaQueue: { name: string; url: string };

/** A counter the runtime would have published for a target of the stream. */
const putCounter = (name: string, target: string, values: readonly number[]) => putRecentCounter({ functionName, sourceArn: stream.arn, target }, name, values);

/** Lines as the runtime writes them in Lambda, in the function's log group. */
async function putLogLines(lines: ReadonlyArray<{ target: string; message: string }>): Promise<void> {
  const logs = new CloudWatchLogsClient(awsClientConfig(aws));
  const logGroupName = `/aws/lambda/${functionName}`;
  const logStreamName = '2026/12/01/[$LATEST]views';
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  const start = Date.now() - 30_000;
  await logs.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName,
      logEvents: lines.map(({ target, message }, index) => ({
        timestamp: start + index,
        message: JSON.stringify({ time: new Date(start + index).toISOString(), level: 'warn', message, sourceArn: stream.arn, target }),
      })),
    }),
  );
}

beforeAll(async () => {
  expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
  const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Environment: { Variables: { ...Environment?.Variables, [ENVIRONMENT.configTtlSeconds]: String(CONFIG_TTL_SECONDS) } } }),
  );
  stream = await createStream();
  alphaQueue = await createQueue();
  const on = ['--function', functionName, '--source-arn', stream.arn];
  expect((await fanoutConsole(['--yes', 'register', 'sqs', ...on, '--id', 'alpha', '--destination', alphaQueue.url, '--active'])).code).toBe(0);
  expect((await fanoutConsole(['--yes', 'register', 'sqs', ...on, '--id', 'zulu', '--destination', (await createQueue()).url, '--active'])).code).toBe(0);
  expect((await fanoutConsole(['--yes', 'register', 'http', ...on, '--id', 'mike', '--destination', sink.url(`/${uniqueName('mike')}`), '--active'])).code).toBe(0);
  // alpha delivered 5, 20 and 40 records in three recent minutes; zulu failed 3
  await putCounter('Delivered', 'alpha', [5, 20, 40]);
  await putCounter('Failed', 'zulu', [3]);
  await putLogLines([
    { target: 'alpha', message: 'alpha retrying: HTTP 503' },
    { target: 'zulu', message: 'zulu could not be served' },
  ]);
});

/** The app, on the stream's targets. */
async function openTargets() {
  const app = render(<App services={appServices(appContext(), deployment)} refreshMs={1_000} logRefreshMs={1_000} colors={false} />);
  await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
  await press(app, '/', stream.name, KEYS.enter, KEYS.enter);
  await frameWhere(app.lastFrame, (frame) => /› alpha\s+sqs/.test(frame) && /zulu\s+sqs/.test(frame) && /mike\s+http/.test(frame), 'the targets');
  return app;
}

/** The targets' ids, top to bottom, as the table shows them. */
const order = (frame: string) => [...frame.matchAll(/^(?:› | {2})(alpha|mike|zulu)\s/gm)].map((match) => match[1]);

describe('the targets screen', () => {
  it('opens a target in full on Enter: its whole destination, its figures of the hour, its state and store; Esc goes back', async () => {
    const app = await openTargets();
    try {
      await press(app, KEYS.enter);
      const detail = await frameWhere(app.lastFrame, (frame) => /delivered\s+\d+\/min\s+65 in the hour/.test(frame), 'the detail view');
      expect(detail).toMatch(/alpha \(sqs\) of /);
      expect(detail).toContain(alphaQueue.url);
      expect(detail).toMatch(/active\s+yes/);
      expect(detail).toMatch(/state\s+ok/);
      expect(detail).toMatch(/failed\s+0\/min\s+0 in the hour/);
      expect(detail).toMatch(/rejected\s+0\/min\s+0 in the hour/);
      expect(detail).toMatch(/store\s+0 held · s3 \(the function's\) arn:aws:s3:::/);
      expect(detail.split('\n').at(-1)).toMatch(/target$/);

      // at 80×24 and 60×20 it still fits, the destination wrapped rather than cut
      for (const [columns, rows] of [[80, 24], [60, 20]] as const) {
        resize(app, columns, rows);
        const narrow = await frameWhere(app.lastFrame, (frame) => fitsIn(columns, rows)(frame) && frame.includes('in the hour'), `the detail view at ${columns}×${rows}`);
        expect(narrow.replace(/\n\s*/g, '')).toContain(alphaQueue.url);
        expect(narrow).toMatch(/rejected\s+0\/min\s+0 in the hour/);
        expect(narrow.split('\n').at(-1)).toMatch(/target$/);
      }

      await press(app, KEYS.escape);
      await frameWhere(app.lastFrame, (frame) => /› alpha\s+sqs/.test(frame) && /zulu\s+sqs/.test(frame), 'the targets again');
    } finally {
      app.unmount();
    }
  });

  it('shows the function\'s log on l, every target\'s or (t) the selected one\'s; from the detail view, the target\'s', async () => {
    const app = await openTargets();
    try {
      await press(app, 'l');
      const all = await frameWhere(app.lastFrame, (frame) => frame.includes('zulu could not be served') && frame.includes('alpha retrying'), 'every line');
      expect(all).toContain(`log: all targets`);
      expect(all).toContain(`/aws/lambda/${functionName}`);
      // newest last
      expect(all.indexOf('alpha retrying')).toBeLessThan(all.indexOf('zulu could not be served'));
      expect(all).toMatch(/warn\s+\[alpha\] alpha retrying: HTTP 503/);

      await press(app, 't');
      const only = await frameWhere(app.lastFrame, (frame) => frame.includes('log: target alpha') && frame.includes('alpha retrying'), "alpha's lines");
      expect(only).not.toContain('zulu could not be served');
      await press(app, 't');
      await frameWhere(app.lastFrame, (frame) => frame.includes('log: all targets') && frame.includes('zulu could not be served'), 'every line again');

      await press(app, KEYS.escape, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => frame.includes('in the hour'), 'the detail view');
      await press(app, 'l');
      const fromDetail = await frameWhere(app.lastFrame, (frame) => frame.includes('log: target alpha') && frame.includes('alpha retrying'), "alpha's lines from the detail view");
      expect(fromDetail).not.toContain('zulu could not be served');
      await press(app, KEYS.escape);
      await frameWhere(app.lastFrame, (frame) => frame.includes('in the hour'), 'back in the detail view');

      // at 80×24 the pane fits, each log line cut at the edge rather than wrapped
      resize(app, 80, 24);
      await press(app, KEYS.escape, 'l');
      const small = await frameWhere(app.lastFrame, (frame) => frame.includes('log: all targets') && frame.includes('zulu could not be served'), 'every line at 80×24');
      expectFits(small, 80, 24);
      expect(small).toMatch(/warn\s+\[alpha\] alpha retrying: HTTP 503/);
    } finally {
      app.unmount();
    }
  });

  it('sorts by id, type, state and failed records on s, and filters on /', async () => {
    const app = await openTargets();
    try {
      expect(order(app.lastFrame()!)).toEqual(['alpha', 'mike', 'zulu']);
      await press(app, 's');
      const byType = await frameWhere(app.lastFrame, (frame) => frame.includes('sorted by type'), 'sorted by type');
      expect(order(byType)).toEqual(['mike', 'alpha', 'zulu']);
      // the selection follows the target
      expect(byType).toMatch(/› alpha/);
      await press(app, 's');
      await frameWhere(app.lastFrame, (frame) => frame.includes('sorted by state'), 'sorted by state');
      await press(app, 's');
      // zulu failed 3 records in the hour: first
      await frameWhere(app.lastFrame, (frame) => frame.includes('sorted by failed') && order(frame)[0] === 'zulu', 'sorted by failed');
      // at 100 columns the line under the table has the selected target's figures (the last minute's, the hour's)
      await frameWhere(app.lastFrame, (frame) => /alpha: ok · delivered \d+\/m 65\/h · failed 0\/m 0\/h/.test(frame), "alpha's figures under the table");
      // wide enough, they are beside the sparklines
      resize(app, 160, 24);
      const wide = await frameWhere(app.lastFrame, (frame) => /zulu.*3\/h/.test(frame), 'the figures beside the sparklines');
      expect(wide.split('\n').find((line) => /^\s+zulu/.test(line))).toMatch(/ 0\/m 0\/h\s+\S+ \d\/m 3\/h\s*$/);
      expect(wide.split('\n').find((line) => /alpha/.test(line))).toMatch(/ \d+\/m 65\/h\s+\S+ 0\/m 0\/h\s*$/);
      expect(wide).not.toMatch(/alpha: ok · delivered/);
      resize(app, 100, 24);
      await press(app, 's');
      await frameWhere(app.lastFrame, (frame) => !frame.includes('sorted by') && order(frame).join() === 'alpha,mike,zulu', 'sorted by id again');

      // the filter looks at the ids, the types and the destinations
      await press(app, '/', 'SQS', KEYS.enter);
      const filtered = await frameWhere(app.lastFrame, (frame) => frame.includes('/SQS') && order(frame).join() === 'alpha,zulu', 'the filter');
      expect(filtered).toMatch(/› alpha/);
      // keys are the screen's again once Enter keeps the filter: Esc drops it
      await press(app, KEYS.escape);
      await frameWhere(app.lastFrame, (frame) => !frame.includes('/SQS') && order(frame).join() === 'alpha,mike,zulu', 'no filter');
      // keys that reach the app together, as a paste or a busy app gets them, are one input: `/` and its text
      await press(app, '/nothing-like-it', KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => frame.includes('no target matches "nothing-like-it"'), 'no match');
    } finally {
      app.unmount();
    }
  });

  it('says, after a change, when the function sees it (its CONFIG_TTL_SECONDS)', async () => {
    const app = await openTargets();
    try {
      await press(app, ' ');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`alpha deactivated · the function sees it within ${CONFIG_TTL_SECONDS} s`), 'the message');
      await expect.poll(async () => (await tableRows(deployment.tableName)).find((row) => row.id === 'alpha')?.active).toBe(false);
      await press(app, ' ');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`alpha activated · the function sees it within ${CONFIG_TTL_SECONDS} s`), 'the message again');
      await press(app, KEYS.down, 'x', 'y');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`mike unregistered · the function sees it within ${CONFIG_TTL_SECONDS} s`), 'unregistered');
    } finally {
      app.unmount();
    }
  });
});
