import { HttpSinkClient, uniqueName } from '@fanout/testbed';
import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { deploymentOf } from '../../src/aws/names.js';
import { App } from '../../src/ui/App.js';
import { appServices } from '../../src/ui/services.js';
import { appContext } from '../support/app.js';
import { aws, fanoutConsole } from '../support/console.js';
import { whileMotoTakesConsumer } from '../support/consumers.js';
import { createQueue, createStream } from '../support/destination-resources.js';
import { mappingsOf } from '../support/deployment.js';
import { putRecentCounter } from '../support/metrics.js';
import { failureDocument, putFailureDocument } from '../support/failures.js';
import { minutesAgo, putTargetState, tableRows } from '../support/state.js';
import { KEYS, expectFits, frameWhere, press, resize } from '../support/ui.js';

const sink = new HttpSinkClient(inject('testbed').http.endpoint);
const functionName = uniqueName('app');
const deployment = deploymentOf({ function: functionName });
let stream: { name: string; arn: string };
/** The queues of alpha and beta, by target id. */
const queues: Record<string, { name: string; url: string }> = {};

beforeAll(async () => {
  expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
  stream = await createStream();
  const source = ['--function', functionName, '--source-arn', stream.arn];
  for (const id of ['alpha', 'beta']) {
    const queue = await createQueue();
    queues[id] = queue;
    const { url } = queue;
    expect((await fanoutConsole(['--yes', 'register', 'sqs', ...source, '--id', id, '--destination', url, '--active'])).code).toBe(0);
  }
  expect((await fanoutConsole(['--yes', 'hook', ...source])).code).toBe(0);
  // what the runtime would have published: alpha delivered records a few minutes ago
  await putRecentCounter({ functionName, sourceArn: stream.arn, target: 'alpha' }, 'Delivered', [5, 20, 40]);
});

describe('the interactive app', () => {
  it('finds the source, opens its targets with sparklines, and switches a target off in DynamoDB', async () => {
    const app = render(<App services={appServices(appContext(), deployment)} colors={false} />);
    try {
      // the shared moto holds many other tests' sources: wait until they are all read, then filter
      await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');

      await press(app, '/', stream.name, KEYS.enter);
      const filtered = await frameWhere(app.lastFrame, (frame) => frame.includes(`/${stream.name}`), 'the filter');
      expect(filtered).toMatch(new RegExp(`› ${stream.name}\\s+kinesis\\s+enabled\\s+2/2`));

      await press(app, KEYS.enter);
      const targets = await frameWhere(app.lastFrame, (frame) => frame.includes('beta') && /[▂▃▄▅▆▇█]/.test(frame), 'the targets with sparklines');
      // the destinations share their start (the endpoint, the account): each keeps its end, the queue's name
      expect(targets).toMatch(new RegExp(`› alpha\\s+sqs\\s+\\S*/${queues.alpha!.name}\\s+yes`));
      expect(targets).toMatch(new RegExp(`beta\\s+sqs\\s+\\S*/${queues.beta!.name}\\s+yes`));
      // alpha delivered 5, 20 and 40 records in three recent minutes: its sparkline rises to a full block
      expect(targets.split('\n').find((line) => line.includes('alpha'))).toMatch(/█/);

      await press(app, ' ');
      await frameWhere(app.lastFrame, (frame) => /› alpha\s+sqs\s+\S+\s+no/.test(frame), 'alpha switched off');
      await expect.poll(async () => (await tableRows(deployment.tableName)).find((row) => row.id === 'alpha')?.active).toBe(false);

      await press(app, KEYS.down, ' ');
      await expect.poll(async () => (await tableRows(deployment.tableName)).find((row) => row.id === 'beta')?.active).toBe(false);
    } finally {
      app.unmount();
    }
  });

  it('unregisters a target only on y, and unhooks and hooks the source again', async () => {
    const app = render(<App services={appServices(appContext(), deployment)} colors={false} />);
    try {
      await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
      await press(app, '/', stream.name, KEYS.enter, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => frame.includes('beta'), 'the targets');

      await press(app, KEYS.down, 'x');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`Unregister target beta of ${stream.name}? [y/N]`), 'the question');
      await press(app, 'n');
      await frameWhere(app.lastFrame, (frame) => frame.includes('nothing changed'), 'the answer no');
      expect((await tableRows(deployment.tableName)).map((row) => row.id)).toEqual(['alpha', 'beta']);
      await press(app, 'x', 'y');
      await frameWhere(app.lastFrame, (frame) => frame.includes('beta unregistered') && !/beta\s+sqs/.test(frame), 'beta gone');
      expect((await tableRows(deployment.tableName)).map((row) => row.id)).toEqual(['alpha']);

      await press(app, 'h');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`Unhook ${stream.name} from ${functionName}? [y/N]`), 'the unhook question');
      await press(app, 'y');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`${stream.name} unhooked`) && frame.includes('hook none'), 'unhooked');
      expect(await mappingsOf(functionName)).toEqual([]);
      // hooked again, it asks where to start: after an unhook LATEST is preselected (its targets have had the records)
      await press(app, 'h');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`Hook ${stream.name} from [LATEST]  TRIM_HORIZON ?`), 'the starting position question');
      await press(app, KEYS.escape);
      await frameWhere(app.lastFrame, (frame) => frame.includes('nothing changed') && frame.includes('hook none'), 'no hook on Esc');
      expect(await mappingsOf(functionName)).toEqual([]);
      await press(app, 'h');
      await frameWhere(app.lastFrame, (frame) => frame.includes(`Hook ${stream.name} from [LATEST]`), 'the question again');
      await press(app, KEYS.right);
      await frameWhere(app.lastFrame, (frame) => frame.includes(' LATEST  [TRIM_HORIZON]?'), 'TRIM_HORIZON picked');
      await press(app, KEYS.right, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => frame.includes(`${stream.name} hooked to ${functionName}, from LATEST`) && frame.includes('hook enabled'), 'hooked again');
      expect((await mappingsOf(functionName)).map((mapping) => [mapping.EventSourceArn, mapping.State, mapping.StartingPosition])).toEqual([[stream.arn, 'Enabled', 'LATEST']]);
    } finally {
      app.unmount();
    }
  });

  it('shows the consumer a hook reads through, in the sources and on the targets screen, and keeps it on pause', async () => {
    const consumerFunction = uniqueName('app-consumer');
    expect((await fanoutConsole(['--yes', 'deploy', '--function', consumerFunction])).code).toBe(0);
    const through = await createStream();
    const hooked = await whileMotoTakesConsumer(through.name, 'copy', () => fanoutConsole(['hook', '--function', consumerFunction, '--source-arn', through.arn, '--consumer', 'copy']));
    expect(hooked.code).toBe(0);
    const app = render(<App services={appServices(appContext(), deploymentOf({ function: consumerFunction }))} colors={false} />);
    try {
      await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${consumerFunction} (Active)`) && !frame.includes('loading…'), 'the sources');
      await press(app, '/', through.name, KEYS.enter);
      const listed = await frameWhere(app.lastFrame, (frame) => frame.includes(`/${through.name}`), 'the filter');
      expect(listed).toMatch(new RegExp(`› ${through.name}\\s+kinesis\\s+enabled \\(consumer copy\\)\\s+0/0`));
      await press(app, 'p');
      await frameWhere(app.lastFrame, (frame) => new RegExp(`› ${through.name}\\s+kinesis\\s+paused \\(consumer copy\\)`).test(frame), 'paused');
      await press(app, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => frame.includes(`${through.name} (kinesis, hook paused (consumer copy)) — arn:aws:kinesis:`), 'the targets screen');
    } finally {
      app.unmount();
    }
  });

  it('fits an 80×24 terminal, follows its resizes, and cuts long names with an ellipsis', async () => {
    const app = render(<App services={appServices(appContext(), deployment)} colors={false} />);
    try {
      resize(app, 80, 24);
      // the shared moto holds many sources: more than 24 lines of them, so the list must be windowed
      const sources = await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
      expectFits(sources, 80, 24);
      // the help too: every key on one line each
      await press(app, '?');
      const help = await frameWhere(app.lastFrame, (frame) => frame.includes('Esc or ? to close'), 'the help');
      expectFits(help, 80, 24);
      // (the header is cut, the help's own lines are not)
      expect(help.split('\n').slice(1).join('\n')).not.toContain('…');
      await press(app, KEYS.escape);
      await press(app, '/', stream.name, KEYS.enter, KEYS.enter);
      const wide = await frameWhere(app.lastFrame, (frame) => /› alpha\s+sqs/.test(frame), 'the targets');
      expectFits(wide, 80, 24);
      expect(wide).toContain(`/${queues.alpha!.name} `);

      resize(app, 160, 30);
      const wider = await frameWhere(app.lastFrame, (frame) => frame.split('\n').some((line) => line.length > 100), 'the app at 160 columns');
      expectFits(wider, 160, 30);
      // wide enough for the whole queue URL
      const queueUrl = /› alpha\s+sqs\s+(\S+)/.exec(wider)![1]!;
      expect(queueUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\d{12}\/queue-\w+$/);

      // at 60 and 50 columns: titles on one line, the queue's name in view, cut at its start
      for (const [columns, rows] of [[60, 20], [50, 12]] as const) {
        resize(app, columns, rows);
        const narrow = await frameWhere(app.lastFrame, (frame) => frame.split('\n').every((line) => line.length <= columns), `the app at ${columns} columns`);
        expectFits(narrow, columns, rows);
        expect(narrow).toMatch(/^ {2}ID\s+TYPE\s+DEST/m);
        const alpha = narrow.split('\n').find((line) => line.includes('› alpha'))!;
        expect(alpha).toContain(`…/${queues.alpha!.name}`);
        expect(alpha).not.toContain(queueUrl);
      }
    } finally {
      app.unmount();
    }
  });

  it('shows a stuck target at once: its state and last error within one refresh, the source marked, list too; R redrives it', async () => {
    const watched = await createStream();
    const on = ['--function', functionName, '--source-arn', watched.arn];
    const path = `/${uniqueName('blocked')}`;
    expect((await fanoutConsole(['register', 'http', ...on, '--id', 'blocked', '--destination', sink.url(path), '--collapse', 'none', '--active'])).code).toBe(0);
    const { url } = await createQueue();
    expect((await fanoutConsole(['register', 'sqs', ...on, '--id', 'steady', '--destination', url, '--active'])).code).toBe(0);

    // the state reads the app makes, and the first whose answer has blocked stuck
    const services = appServices(appContext(), deployment);
    let reads = 0;
    let firstStuckRead: number | undefined;
    const counted = {
      ...services,
      targetStates: async (sourceArn: string) => {
        const read = ++reads;
        const states = await services.targetStates(sourceArn);
        if (sourceArn === watched.arn && states.items?.get('blocked')?.state === 'stuck') firstStuckRead ??= read;
        return states;
      },
    };
    const app = render(<App services={counted} refreshMs={1_000} colors={false} />);
    try {
      resize(app, 80, 24);
      await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
      await press(app, '/', watched.name, KEYS.enter, KEYS.enter);
      const healthy = await frameWhere(app.lastFrame, (frame) => /› blocked\s+http\s+\S+\s+yes\s+ok\s+-\s+0\s/.test(frame) && /steady\s+sqs/.test(frame), 'both targets ok');
      // 80 columns: every column but the options, ACTIVE said ON
      expect(healthy).toMatch(/ID\s+TYPE\s+DESTINATION\s+ON\s+STATE\s+BEHIND\s+STORED\s+DELIV\s+FAILED/);

      // the function finds blocked's endpoint refusing, for several invocations: it writes the state once
      const lastError = `HTTP 503 from ${sink.url(path)}: Service Unavailable`;
      await putTargetState(`${functionName}Progress`, watched.arn, 'blocked', { state: 'stuck', since: minutesAgo(14), heldSince: minutesAgo(20), stored: 1, lastError });
      const readsAtWrite = reads;
      // the wider STATE leaves no room at 80 columns for BEHIND: the line under the table says it
      const stuck = await frameWhere(app.lastFrame, (frame) => /› blocked\s+http\s+\S+\s+yes\s+stuck 14m\s+1\s/.test(frame), 'blocked stuck');
      expect(stuck).not.toContain('BEHIND');
      // the first read begun after the write showed it: within one refresh
      expect(firstStuckRead).toBeLessThanOrEqual(readsAtWrite + 1);
      expect(stuck).toMatch(/steady\s+sqs\s+\S+\s+yes\s+ok\s+0\s/);
      // the line under the table: the selected target's state and its last error, whole as far as 80 columns go
      expect(stuck).toContain(`blocked: stuck 14m · behind 20m · 1 stored · last error: HTTP 503 from`);
      for (const line of stuck.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      expect(stuck.split('\n').length).toBeLessThanOrEqual(24);

      // wide enough, the last error has its own column
      resize(app, 160, 30);
      await frameWhere(app.lastFrame, (frame) => /STORED\s+OPTIONS\s+DELIVERED\s+FAILED\s+LAST ERROR/.test(frame) && /› blocked.*stuck 14m.*HTTP 503 from/.test(frame), 'the LAST ERROR column');
      resize(app, 80, 24);

      // the sources screen marks the source
      await press(app, KEYS.escape);
      await frameWhere(app.lastFrame, (frame) => new RegExp(`› ${watched.name}\\s+kinesis\\s+—\\s+2/2 stuck`).test(frame), 'the source marked stuck');

      // list says the same
      const listed = await fanoutConsole(['list', ...on]);
      expect(listed.out.split('\n').find((line) => line.startsWith('blocked'))).toMatch(/yes\s+stuck 14m\s+20m\s+1\s+.*HTTP 503 from/);

      // R sends its stored failure back to it, once the user says y
      await putFailureDocument(`${functionName}-failures-${aws.accounts[0]}-${aws.regions[0]}`, failureDocument(watched.arn, { id: 'blocked', type: 'http' }, '300', { order: 3 }));
      await press(app, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => /› blocked\s+http/.test(frame), 'the targets again');
      await press(app, 'R');
      await frameWhere(app.lastFrame, (frame) => frame.includes('Send the 1 failure stored for blocked back to it? [y/N]'), 'the redrive question');
      await press(app, 'y');
      await frameWhere(app.lastFrame, (frame) => frame.includes('blocked: 1 delivered, 0 failed again, 0 left in arn:aws:s3:::'), 'the redrive done');
      expect((await sink.requests(path)).map((request) => JSON.parse(request.bytes.toString()).partitionKey)).toEqual(['order']);
      // the store's count read again with the targets
      await frameWhere(app.lastFrame, (frame) => /› blocked\s+http\s+\S+\s+yes\s+stuck 14m\s+0\s/.test(frame), 'nothing stored any more');
    } finally {
      app.unmount();
    }
  });

  it('says it is loading while the sources are read, not that there are none', async () => {
    const services = appServices(appContext(), deployment);
    let read!: () => void;
    const readable = new Promise<void>((resolve) => (read = resolve));
    const app = render(<App services={{ ...services, sources: () => readable.then(services.sources) }} colors={false} />);
    try {
      const loading = await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`), 'the header');
      expect(loading).toContain('loading… the Kinesis streams and the DynamoDB tables with a stream');
      expect(loading).not.toContain('no Kinesis stream');
      read();
      // other tests' streams may fill the screen: the filter finds this one among them
      await frameWhere(app.lastFrame, (frame) => /^\s+SOURCE\s+KIND/m.test(frame) && !frame.includes('loading…'), 'the sources');
      await press(app, '/', stream.name, KEYS.enter);
      await frameWhere(app.lastFrame, (frame) => new RegExp(`› ${stream.name}\\s+kinesis`).test(frame), 'the stream among the sources');
    } finally {
      app.unmount();
    }
  });

  it('says stopping… on q until what stops with the app has stopped, then quits', async () => {
    let stopped!: () => void;
    let stops = 0;
    const onQuit = () => {
      stops += 1;
      return new Promise<void>((resolve) => (stopped = resolve));
    };
    const app = render(<App services={appServices(appContext(), deployment)} colors={false} onQuit={onQuit} />);
    try {
      await frameWhere(app.lastFrame, (frame) => frame.includes(`function ${functionName} (Active)`), 'the app');
      await press(app, 'q');
      await frameWhere(app.lastFrame, (frame) => frame.split('\n').at(-1)!.startsWith('stopping…'), 'stopping…');
      // keys do nothing any more; a second q does not stop twice
      await press(app, 'q', '?');
      expect(app.lastFrame()).not.toContain('Keys');
      stopped();
      await expect.poll(() => stops).toBe(1);
    } finally {
      app.unmount();
    }
  });

  it('says why the sources could not be read in place of them, and keeps running', async () => {
    const unreachable = appContext({ endpointUrl: 'http://127.0.0.1:9' });
    const app = render(<App services={appServices(unreachable, deployment)} colors={false} />);
    try {
      const frame = await frameWhere(app.lastFrame, (text) => text.includes('✗'), 'an error');
      expect(frame).toMatch(/✗ could not read the sources: .*(ECONNREFUSED|connect)/);
      expect(frame).toContain('r to try again');
      expect(frame).not.toContain('no Kinesis stream');
      await press(app, '?');
      await frameWhere(app.lastFrame, (text) => text.includes('Keys'), 'the help after the error');
    } finally {
      app.unmount();
    }
  });
});
