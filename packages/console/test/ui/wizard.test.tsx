import { TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import { uniqueName } from '@fanout/testbed';
import { render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deploymentOf } from '../../src/aws/names.js';
import { App } from '../../src/ui/App.js';
import { appServices } from '../../src/ui/services.js';
import { appContext } from '../support/app.js';
import { fanoutConsole } from '../support/console.js';
import { createDomain, createQueue, createStream, createTopic } from '../support/destination-resources.js';
import { tableRows } from '../support/state.js';

const functionName = uniqueName('wizard');
const deployment = deploymentOf({ function: functionName });
let source: { name: string; arn: string };

const KEYS = { enter: '\r', up: '\u001B[A', down: '\u001B[B', escape: '\u001B' };

type App = ReturnType<typeof render>;

/** Types into the app as a person does: one key, then the app draws. */
async function press(app: App, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Types text one character at a time. */
async function type(app: App, text: string): Promise<void> {
  await press(app, ...text.split(''));
}

/** Waits until the app's last frame satisfies the check (the app loads from AWS as it goes). */
async function frameWhere(app: App, check: (frame: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const frame = app.lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`the app never showed ${what}; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let app: App | undefined;

afterEach(() => {
  app?.unmount();
  app = undefined;
});

/** The app on the source's targets, the wizard open at the type step. */
async function openWizard(services = appServices(appContext(), deployment)): Promise<App> {
  app = render(<App services={services} colors={false} />);
  await frameWhere(app, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
  await press(app, '/');
  await type(app, source.name);
  await press(app, KEYS.enter, KEYS.enter);
  await frameWhere(app, (frame) => frame.includes(`${source.name} (kinesis`) && frame.includes('DESTINATION'), 'the targets');
  await press(app, 'n');
  await frameWhere(app, (frame) => frame.includes('Type of the target'), 'the type step');
  return app;
}

/** Chooses the type in the list (its entries are the runtime's type names, in order). */
async function chooseType(app: App, name: TargetTypeName): Promise<void> {
  await press(app, ...Array<string>(TARGET_TYPE_NAMES.indexOf(name)).fill(KEYS.down), KEYS.enter);
  await frameWhere(app, (frame) => frame.includes(`Destination of the ${name} target`) && !frame.includes('finding destinations'), 'the destinations');
}

/** Narrows the discovered destinations to one name and chooses it. */
async function chooseDestination(app: App, name: string): Promise<void> {
  await type(app, name);
  await frameWhere(app, (frame) => new RegExp(`› ${name}`).test(frame), `${name} first in the list`);
  await press(app, KEYS.enter);
}

/** The id step to the end: id, the options as they are, the review, Enter. */
async function finish(app: App, id: string): Promise<void> {
  await frameWhere(app, (frame) => frame.includes('Id of the target'), 'the id step');
  await type(app, id);
  await press(app, KEYS.enter);
  await frameWhere(app, (frame) => frame.includes('Options'), 'the options step');
  await press(app, ' ', KEYS.enter); // active: yes
  await frameWhere(app, (frame) => frame.includes('The row to write') && frame.includes(`id: "${id}"`) && frame.includes('active: true'), 'the review');
  await press(app, KEYS.enter);
  await frameWhere(app, (frame) => frame.includes(`${id} registered`) && new RegExp(`› ${id}\\s`).test(frame), 'the new target on the targets screen');
}

async function rowOf(id: string) {
  return (await tableRows(deployment.tableName)).find((row) => row.sourceArn === source.arn && row.id === id);
}

beforeAll(async () => {
  expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
  source = await createStream();
  expect((await fanoutConsole(['--yes', 'hook', '--function', functionName, '--source-arn', source.arn])).code).toBe(0);
}, 60_000);

describe('the register wizard', () => {
  it('registers an sqs target on a queue chosen from the discovered list', async () => {
    const queue = await createQueue();
    const app = await openWizard();
    await chooseType(app, 'sqs');
    await chooseDestination(app, queue.name);
    await finish(app, 'to-queue');
    expect(await rowOf('to-queue')).toMatchObject({ type: 'sqs', destination: queue.url, active: true, collapse: 'JSON', parallel: true });
  }, 90_000);

  it('registers an sns target on a topic chosen from the discovered list', async () => {
    const topic = await createTopic();
    const app = await openWizard();
    await chooseType(app, 'sns');
    await chooseDestination(app, topic.name);
    await finish(app, 'to-topic');
    expect(await rowOf('to-topic')).toMatchObject({ type: 'sns', destination: topic.arn, active: true });
  }, 90_000);

  it('registers a kinesis target on a stream typed by hand, looked up to its ARN', async () => {
    const stream = await createStream();
    const app = await openWizard();
    await chooseType(app, 'kinesis');
    await press(app, KEYS.up); // the list wraps: the last entry types it by hand
    await frameWhere(app, (frame) => frame.includes('› ✎ type it by hand'), 'the entry by hand');
    await press(app, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('destination:'), 'the text input');
    await type(app, stream.name);
    await press(app, KEYS.enter);
    await finish(app, 'to-stream');
    expect(await rowOf('to-stream')).toMatchObject({ type: 'kinesis', destination: stream.arn, active: true });
  }, 90_000);

  it('registers an es target on a domain chosen from the list, with its index', async () => {
    const domain = await createDomain();
    const app = await openWizard();
    await chooseType(app, 'es');
    await chooseDestination(app, domain.name);
    await frameWhere(app, (frame) => frame.includes('index:'), 'the index question');
    await type(app, 'orders');
    await press(app, KEYS.enter);
    await finish(app, 'to-domain');
    expect(await rowOf('to-domain')).toMatchObject({ type: 'es', destination: `https://${domain.endpoint}#orders`, active: true });
  }, 120_000);

  it('goes back from the options to the id with Esc, keeping the id typed, and out of the wizard step by step', async () => {
    const queue = await createQueue();
    const app = await openWizard();
    await chooseType(app, 'sqs');
    await chooseDestination(app, queue.name);
    await frameWhere(app, (frame) => frame.includes('Id of the target'), 'the id step');
    await type(app, 'kept-id');
    await press(app, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('Options'), 'the options step');
    await press(app, KEYS.escape);
    const frame = await frameWhere(app, (text) => text.includes('Id of the target'), 'the id step again');
    expect(frame).toContain('id: kept-id');
    // and on again, to the options as they were
    await press(app, KEYS.enter);
    await frameWhere(app, (text) => text.includes('Options'), 'the options step again');
    // back to the destination, the type, and out of the wizard: the targets screen, nothing written
    await press(app, KEYS.escape, KEYS.escape);
    await frameWhere(app, (text) => text.includes('Destination of the sqs target') && text.includes(`filter: ${queue.name}`), 'the destination step, its filter kept');
    await press(app, KEYS.escape);
    await frameWhere(app, (text) => text.includes('Type of the target'), 'the type step');
    await press(app, KEYS.escape);
    await frameWhere(app, (text) => text.includes('DESTINATION') && !text.includes('New target'), 'the targets screen');
    expect(await rowOf('kept-id')).toBeUndefined();
  }, 90_000);

  it('shows an error of the write in the status line and stays on the review', async () => {
    const queue = await createQueue();
    // a real failure of the write: the table the app writes to is not there
    const app = await openWizard(appServices(appContext(), deploymentOf({ function: functionName, table: uniqueName('missingTable') })));
    await chooseType(app, 'sqs');
    await chooseDestination(app, queue.name);
    await frameWhere(app, (frame) => frame.includes('Id of the target'), 'the id step');
    await type(app, 'denied');
    await press(app, KEYS.enter, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('The row to write'), 'the review');
    await press(app, KEYS.enter);
    const frame = await frameWhere(app, (text) => text.includes('✗'), 'the error');
    expect(frame).toMatch(/✗ --table: no table missingTable-/);
    expect(frame).toContain('The row to write');
    expect(await rowOf('denied')).toBeUndefined();
  }, 90_000);

  it('shows the problem of a destination typed by hand that does not exist, and stays on the step', async () => {
    const app = await openWizard();
    await chooseType(app, 'kinesis');
    await press(app, KEYS.up, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('destination:'), 'the text input');
    await type(app, 'no-such-stream');
    await press(app, KEYS.enter);
    const frame = await frameWhere(app, (text) => text.includes('✗') && text.includes('no-such-stream'), 'the problem');
    expect(frame).toMatch(/✗ --destination: no Kinesis stream/i);
    expect(frame).toContain('Destination of the kinesis target');
    expect(frame).toContain('destination: no-such-stream');
    expect((await tableRows(deployment.tableName)).filter((row) => row.sourceArn === source.arn).map((row) => row.id)).not.toContain('no-such-stream');
  }, 90_000);
});
