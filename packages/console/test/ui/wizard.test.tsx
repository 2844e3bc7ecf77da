import { TARGET_TYPES, TARGET_TYPE_NAMES, type TargetTypeName } from '@fanout/runtime/config';
import { uniqueName } from '@fanout/testbed';
import { render } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { deploymentOf } from '../../src/aws/names.js';
import { App } from '../../src/ui/App.js';
import { appServices } from '../../src/ui/services.js';
import { appContext } from '../support/app.js';
import { aws, fanoutConsole } from '../support/console.js';
import {
  createDeliveryStream,
  createDomain,
  createFunction,
  createQueue,
  createReplicationGroup,
  createStream,
  createTopic,
  secondAccount,
} from '../support/destination-resources.js';
import { tableRows } from '../support/state.js';
import { KEYS, frameWhere as frameOf, press, type } from '../support/ui.js';

const functionName = uniqueName('wizard');
const deployment = deploymentOf({ function: functionName });
let source: { name: string; arn: string };

const testbed = inject('testbed');

type App = ReturnType<typeof render>;

/** Waits until the app's last frame satisfies the check: the wizard looks destinations up in moto as it goes. */
function frameWhere(app: App, check: (frame: string) => boolean, what: string): Promise<string> {
  return frameOf(app.lastFrame, check, what);
}

let app: App | undefined;

afterEach(() => {
  app?.unmount();
  app = undefined;
});

/** The app on a source's targets. */
async function openTargets(sourceName: string, services = appServices(appContext(), deployment)): Promise<App> {
  const opened = render(<App services={services} colors={false} />);
  app = opened;
  await frameWhere(opened, (frame) => frame.includes(`function ${functionName} (Active)`) && !frame.includes('loading…'), 'the sources');
  await press(opened, '/');
  await type(opened, sourceName);
  await press(opened, KEYS.enter, KEYS.enter);
  await frameWhere(opened, (frame) => frame.includes(`${sourceName} (kinesis`) && frame.includes('DESTINATION'), 'the targets');
  return opened;
}

/** The app on the source's targets, the wizard open at the type step. */
async function openWizard(services = appServices(appContext(), deployment)): Promise<App> {
  app = await openTargets(source.name, services);
  await press(app, 'n');
  await frameWhere(app, (frame) => frame.includes('Type of the target'), 'the type step');
  return app;
}

/** Where an AWS destination is, as the place step asks it; blank fields are left empty. */
interface Place {
  region?: string;
  role?: string;
  externalId?: string;
}

/** Chooses the type in the list (its entries are the runtime's type names, in order), then passes the place step of AWS types. */
async function chooseType(app: App, name: TargetTypeName, place: Place = {}): Promise<void> {
  await press(app, ...Array<string>(TARGET_TYPE_NAMES.indexOf(name)).fill(KEYS.down), KEYS.enter);
  if (TARGET_TYPES[name].aws) {
    await frameWhere(app, (frame) => frame.includes('Where the destination is'), 'the place step');
    for (const [index, field] of (['region', 'role', 'externalId'] as const).entries()) {
      if (index > 0) await press(app, KEYS.down);
      if (place[field]) await type(app, place[field]);
    }
    await press(app, KEYS.enter);
  }
  await frameWhere(app, (frame) => frame.includes(`Destination of the ${name} target`) && !frame.includes('finding destinations'), 'the destinations');
}

/** Narrows the discovered destinations to one name and chooses it. */
async function chooseDestination(app: App, name: string): Promise<void> {
  await type(app, name);
  await frameWhere(app, (frame) => new RegExp(`› ${name}`).test(frame), `${name} first in the list`);
  await press(app, KEYS.enter);
}

/** The id step, then on to the options. */
async function enterId(app: App, id: string): Promise<void> {
  await frameWhere(app, (frame) => frame.includes('Id of the target'), 'the id step');
  await type(app, id);
  await press(app, KEYS.enter);
  await frameWhere(app, (frame) => frame.includes('Options'), 'the options step');
}

/** From the options: Enter, the review showing the row, Enter, and the target selected on the targets screen. */
async function review(app: App, id: string, done = 'registered'): Promise<string> {
  await press(app, KEYS.enter);
  const row = await frameWhere(app, (frame) => frame.includes('The row to write') && frame.includes(`id: "${id}"`), 'the review');
  await press(app, KEYS.enter);
  // and when the function sees it: within its CONFIG_TTL_SECONDS (the runtime's default here)
  await frameWhere(app, (frame) => frame.includes(`${id} ${done} · the function sees it within 60 s · `) && new RegExp(`› ${id}\\s`).test(frame), 'the target on the targets screen');
  return row;
}

/** The id step to the end: id, the options as they are but active, the review, Enter. */
async function finish(app: App, id: string): Promise<void> {
  await enterId(app, id);
  await press(app, ' '); // active: yes
  expect(await review(app, id)).toContain('active: true');
}

async function rowOf(id: string) {
  return (await tableRows(deployment.tableName)).find((row) => row.sourceArn === source.arn && row.id === id);
}

beforeAll(async () => {
  expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
  source = await createStream();
  expect((await fanoutConsole(['--yes', 'hook', '--function', functionName, '--source-arn', source.arn])).code).toBe(0);
});

describe('the register wizard', () => {
  it('registers an sqs target on a queue chosen from the discovered list', async () => {
    const queue = await createQueue();
    const app = await openWizard();
    await chooseType(app, 'sqs');
    await chooseDestination(app, queue.name);
    await finish(app, 'to-queue');
    expect(await rowOf('to-queue')).toMatchObject({ type: 'sqs', destination: queue.url, active: true, collapse: 'JSON', parallel: true });
  });

  it('narrows the type list as you type, says its keys, and leaves the targets screen\'s message behind', async () => {
    const app = await openTargets(source.name);
    await press(app, 'p');
    await frameWhere(app, (frame) => frame.includes(`${source.name} paused`), 'the hook paused');
    await press(app, 'n');
    const types = await frameWhere(app, (frame) => frame.includes('Type of the target'), 'the type step');
    expect(types).toContain('type to filter · ↑ ↓ to move · Enter to choose · Esc to cancel');
    // the targets screen's message stays there, and so does its loading…
    expect(types).not.toContain('paused');
    expect(types).not.toContain('loading…');
    expect(types).toContain('Esc goes back a step · Ctrl-C to quit');
    await type(app, 'fi');
    const narrowed = await frameWhere(app, (frame) => frame.includes('filter: fi'), 'the list narrowed');
    expect(narrowed).toMatch(/^› firehose$/m);
    expect(narrowed).not.toMatch(/^ {2}sqs$/m);
    await type(app, 'x');
    await frameWhere(app, (frame) => frame.includes('nothing matches "fix"'), 'nothing left');
    await press(app, KEYS.backspace, KEYS.backspace);
    // Backspace widens it again
    const widened = await frameWhere(app, (frame) => frame.includes('filter: f') && !frame.includes('filter: fi'), 'the list widened');
    expect(widened).toMatch(/^› firehose$/m);
    await press(app, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('Where the destination is') && frame.includes('· firehose'), 'firehose chosen');
    await press(app, KEYS.escape, KEYS.escape);
    await frameWhere(app, (frame) => frame.includes('DESTINATION') && !frame.includes('New target'), 'the targets screen');
    await press(app, 'p');
    await frameWhere(app, (frame) => frame.includes(`${source.name} resumed`), 'the hook resumed');
  });

  it('registers an sns target on a topic chosen from the discovered list', async () => {
    const topic = await createTopic();
    const app = await openWizard();
    await chooseType(app, 'sns');
    await chooseDestination(app, topic.name);
    await finish(app, 'to-topic');
    expect(await rowOf('to-topic')).toMatchObject({ type: 'sns', destination: topic.arn, active: true });
  });

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
  });

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
  });

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
    // back to the destination, the place, the type, and out of the wizard: the targets screen, nothing written
    await press(app, KEYS.escape, KEYS.escape);
    await frameWhere(app, (text) => text.includes('Destination of the sqs target') && text.includes(`filter: ${queue.name}`), 'the destination step, its filter kept');
    await press(app, KEYS.escape);
    await frameWhere(app, (text) => text.includes('Where the destination is'), 'the place step');
    await press(app, KEYS.escape);
    await frameWhere(app, (text) => text.includes('Type of the target'), 'the type step');
    await press(app, KEYS.escape);
    await frameWhere(app, (text) => text.includes('DESTINATION') && !text.includes('New target'), 'the targets screen');
    expect(await rowOf('kept-id')).toBeUndefined();
  });

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
  });

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
  });
});

describe('the register wizard for every kind of destination', () => {
  it('lists and registers a queue of another account and region, through the role given first', async () => {
    const { role, credentials } = await secondAccount();
    const queue = await createQueue({ region: aws.regions[1], credentials });
    const app = await openWizard();
    await chooseType(app, 'sqs', { region: aws.regions[1], role });
    await chooseDestination(app, queue.name);
    await finish(app, 'far-queue');
    expect(queue.url).toContain(aws.accounts[1]);
    expect(await rowOf('far-queue')).toMatchObject({ type: 'sqs', destination: queue.url, role, region: aws.regions[1], active: true });
  });

  it('checks the place as it is typed and does not go on while it is wrong', async () => {
    const app = await openWizard();
    await press(app, KEYS.enter); // sns
    await frameWhere(app, (frame) => frame.includes('Where the destination is'), 'the place step');
    await type(app, 'mars');
    await frameWhere(app, (frame) => frame.includes('✗ expected an AWS region such as us-east-1'), 'the region problem');
    const stays = async () => {
      await press(app, KEYS.enter);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(app!.lastFrame()).toContain('Where the destination is');
      expect(app!.lastFrame()).not.toContain('Destination of the sns target');
    };
    await stays();
    // a region put right, then an external id without its role
    await press(app, ...Array<string>('mars'.length).fill(KEYS.backspace));
    await type(app, aws.regions[1]);
    await press(app, KEYS.down, KEYS.down);
    await type(app, 'an-external-id');
    const frame = await frameWhere(app, (text) => text.includes('✗ needs a role; set role too, or remove externalId'), 'the external id problem');
    expect(frame).not.toContain('expected an AWS region');
    await stays();
  });

  it('registers a firehose target on a delivery stream chosen from the list', async () => {
    const delivery = await createDeliveryStream();
    const app = await openWizard();
    await chooseType(app, 'firehose');
    await chooseDestination(app, delivery.name);
    await finish(app, 'to-firehose');
    expect(await rowOf('to-firehose')).toMatchObject({ type: 'firehose', destination: delivery.arn, active: true });
  });

  it('registers a lambda target on a function chosen from the list', async () => {
    const target = await createFunction();
    const app = await openWizard();
    await chooseType(app, 'lambda');
    await chooseDestination(app, target.name);
    await finish(app, 'to-function');
    expect(await rowOf('to-function')).toMatchObject({ type: 'lambda', destination: target.arn, active: true });
  });

  it('registers an iot target on the account\'s data endpoint, with its topic', async () => {
    const app = await openWizard();
    await chooseType(app, 'iot');
    const frame = await frameWhere(app, (text) => /› \S+\.iot\./.test(text), 'the data endpoint first in the list');
    const endpoint = /› (\S+\.iot\.\S+)/.exec(frame)![1]!;
    await press(app, KEYS.enter);
    await frameWhere(app, (text) => text.includes('topic:'), 'the topic question');
    // a topic may have spaces: the text field keeps them
    await type(app, 'orders/created today');
    await frameWhere(app, (text) => text.includes('topic: orders/created today'), 'the topic typed, its spaces kept');
    await press(app, KEYS.enter);
    await finish(app, 'to-iot');
    expect(await rowOf('to-iot')).toMatchObject({ type: 'iot', destination: `${endpoint}#orders/created today`, active: true });
  });

  it('registers a redis target on a replication group chosen from the list, stored as its primary endpoint', async () => {
    const group = await createReplicationGroup();
    const app = await openWizard();
    await chooseType(app, 'redis');
    await chooseDestination(app, group.id);
    await finish(app, 'to-redis');
    expect(await rowOf('to-redis')).toMatchObject({ type: 'redis', destination: group.primaryEndpoint, active: true });
  });

  it('registers a memcached target on servers typed by hand', async () => {
    const app = await openWizard();
    await chooseType(app, 'memcached');
    await press(app, KEYS.up, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('destination:'), 'the text input');
    await type(app, testbed.memcached.servers);
    await press(app, KEYS.enter);
    await finish(app, 'to-memcached');
    expect(await rowOf('to-memcached')).toMatchObject({ type: 'memcached', destination: testbed.memcached.servers, active: true });
  });

  it('registers an http target typed by hand, with every option it has set', async () => {
    const url = `${testbed.http.endpoint}/orders`;
    const app = await openWizard();
    await chooseType(app, 'http');
    await press(app, KEYS.up, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('destination:'), 'the text input');
    await type(app, url);
    await press(app, KEYS.enter);
    await enterId(app, 'to-http');
    const options = app.lastFrame()!;
    // a Kinesis source: deaggregate is asked, convertDDB is not; http has no region or role
    expect(options).toContain('deaggregate: no');
    expect(options).not.toContain('convertDDB');
    expect(options).not.toContain('region');
    await press(app, ' ', KEYS.down, KEYS.right, KEYS.down, ' ', KEYS.down, ' ', KEYS.down);
    await type(app, 'HOOK_TOKEN');
    await frameWhere(app, (frame) => frame.includes('authorizationEnv: HOOK_TOKEN'), 'the variable typed');
    await review(app, 'to-http');
    const row = await rowOf('to-http');
    expect(row).toEqual({
      sourceArn: source.arn,
      id: 'to-http',
      type: 'http',
      destination: url,
      active: true,
      collapse: 'concat',
      parallel: false,
      convertDDB: false,
      deaggregate: true,
      authorizationEnv: 'HOOK_TOKEN',
    });
  });

  it('edits a target with e: a field emptied is removed from the row, the others changed, the destination kept', async () => {
    const other = await createStream();
    const queue = await createQueue();
    const scope = ['--function', functionName, '--source-arn', other.arn, '--id', 'editable'];
    expect((await fanoutConsole(['--yes', 'register', 'sqs', ...scope, '--destination', queue.url, '--destination-region', aws.regions[0], '--collapse', 'none', '--active'])).code).toBe(0);
    const app = await openTargets(other.name);
    await frameWhere(app, (frame) => /› editable\s+sqs/.test(frame), 'the target');
    await press(app, 'e');
    const place = await frameWhere(app, (frame) => frame.includes('Change target editable') && frame.includes('Where the destination is'), 'the place step of the edit');
    expect(place).toContain(`region: ${aws.regions[0]}`);
    expect(place).toContain('step 1 of 4');
    await press(app, ...Array<string>(aws.regions[0].length).fill(KEYS.backspace), KEYS.enter);
    await frameWhere(app, (frame) => frame.includes(`destination: ${queue.url}`), 'the destination, as stored');
    await press(app, KEYS.enter);
    await frameWhere(app, (frame) => frame.includes('Options') && frame.includes('collapse: none') && frame.includes('active: yes'), 'the options as stored');
    await press(app, KEYS.down, KEYS.down, ' ');
    const row = await review(app, 'editable', 'changed');
    expect(row).not.toContain('region');
    expect((await tableRows(deployment.tableName)).find((stored) => stored.sourceArn === other.arn && stored.id === 'editable')).toEqual({
      sourceArn: other.arn,
      id: 'editable',
      type: 'sqs',
      destination: queue.url,
      active: true,
      collapse: 'none',
      parallel: false,
      convertDDB: false,
      deaggregate: false,
    });
  });
});
