import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { FailureDocument } from '@fanout/runtime/config';
import { HttpSinkClient, uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { createStream, createTopic } from './support/destination-resources.js';
import { bucketKeys, s3, useFreshRuntimeZip } from './support/deployment.js';
import { failureDocument, putFailureDocument } from './support/failures.js';
import { minutesAgo, putTargetState } from './support/state.js';

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;
const sink = new HttpSinkClient(inject('testbed').http.endpoint);
const functionName = uniqueName('redrive');
const deployment = ['--function', functionName];
const bucket = `${functionName}-failures-${account}-${region}`;
const store = `arn:aws:s3:::${bucket}`;
let stream: { name: string; arn: string };
const path = `/${uniqueName('redriven')}`;

beforeAll(async () => {
  expect((await fanoutConsole(['--yes', 'deploy', ...deployment])).code).toBe(0);
  stream = await createStream();
  const registered = await fanoutConsole(['register', 'http', ...deployment, '--source-arn', stream.arn, '--id', 'hook', '--destination', sink.url(path), '--collapse', 'none', '--active']);
  expect(registered).toMatchObject({ code: 0, err: '' });
  // what the function left: two records the endpoint did not take, and the target's state saying so
  for (const [sequence, order] of [['100', 1], ['200', 2]] as const) {
    await putFailureDocument(bucket, failureDocument(stream.arn, { id: 'hook', type: 'http' }, sequence, { order }));
  }
  await putTargetState(`${functionName}Progress`, stream.arn, 'hook', { state: 'ok', since: minutesAgo(1), stored: 2 });
});

const source = () => ['--source-type', 'kinesis', '--source', stream.name];
const orders = async () => (await sink.requests(path)).map((request) => (JSON.parse(Buffer.from(JSON.parse(request.bytes.toString()).data, 'base64').toString()) as { order: number }).order);

async function storedDocument(key: string): Promise<FailureDocument> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await Body!.transformToString()) as FailureDocument;
}

describe('redrive', () => {
  it('asks first: refused without --yes and a terminal, nothing sent on "n"', async () => {
    const refused = await fanoutConsole(['redrive', ...deployment, ...source(), '--id', 'hook']);
    expect(refused).toMatchObject({
      code: 2,
      out: '',
      err: `fanout-console: --yes: Send the 2 failures in ${store} back to target hook of ${stream.arn} needs confirmation; pass --yes to confirm without a terminal`,
    });
    const questions: string[] = [];
    const terminal = testTerminal({ interactive: true, canDraw: true, ask: async (question: string) => (questions.push(question), 'n') });
    const kept = await fanoutConsole(['redrive', ...deployment, ...source(), '--id', 'hook'], { terminal });
    expect(kept).toMatchObject({ code: 0, out: 'nothing sent' });
    expect(questions).toEqual([`Send the 2 failures in ${store} back to target hook of ${stream.arn}? [y/N] `]);
    expect(await bucketKeys(bucket)).toHaveLength(2);
    expect(await sink.requests(path)).toEqual([]);
  });

  it('sends the oldest first, --max at a time; what fails again stays with its new reason; then the rest', async () => {
    // the endpoint refuses the first try
    await sink.respondWith({ path, status: 400, count: 1, body: 'not today' });
    const first = await fanoutConsole(['--yes', '--output', 'json', 'redrive', ...deployment, ...source(), '--id', 'hook', '--max', '1']);
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({ sourceArn: stream.arn, id: 'hook', storeArn: store, stored: 2, delivered: 0, failedAgain: 1, remaining: 2 });
    const [oldest] = await bucketKeys(bucket);
    const again = await storedDocument(oldest!);
    expect(again).toMatchObject({ record: { sequenceNumber: '100' }, attempts: 4 });
    expect(again.reason).toMatch(/400/);

    const second = await fanoutConsole(['--yes', 'redrive', ...deployment, ...source(), '--id', 'hook', '--max', '1']);
    expect(second).toMatchObject({ code: 0, out: `redrove target hook of ${stream.arn}: 1 delivered, 0 failed again, 1 left in ${store}` });
    const rest = await fanoutConsole(['--yes', '--output', 'json', 'redrive', ...deployment, ...source(), '--id', 'hook']);
    expect(rest.json()).toMatchObject({ delivered: 1, failedAgain: 0, remaining: 0 });
    expect(await bucketKeys(bucket)).toEqual([]);
    // in record order, each once, after the one refused
    expect(await orders()).toEqual([1, 1, 2]);
  });

  it.each([
    [['--id', 'nope'], '--id: no target "nope" for SOURCE; see fanout-console list'],
    [['--id', 'hook', '--max', '0'], '--max: expected a whole number of failures from 1 to 1000000'],
  ])('refuses %j with exit code 2 and one line naming the flag', async (flags, message) => {
    const result = await fanoutConsole(['--yes', 'redrive', ...deployment, ...source(), ...flags]);
    expect(result).toMatchObject({ code: 2, out: '', err: `fanout-console: ${message.replace('SOURCE', stream.arn)}` });
  });

  it('refuses a target whose store is a topic (nothing to read back), and a function that is not deployed', async () => {
    const topic = await createTopic();
    expect((await fanoutConsole(['register', 'http', ...deployment, ...source(), '--id', 'to-topic', '--destination', sink.url(path), '--on-failure', topic.arn])).code).toBe(0);
    const toTopic = await fanoutConsole(['--yes', 'redrive', ...deployment, ...source(), '--id', 'to-topic']);
    expect(toTopic).toMatchObject({
      code: 2,
      err: `fanout-console: --id: target "to-topic" stores its failures in the SNS topic ${topic.arn}, which cannot be read back; redrive from a queue or bucket subscribed to it`,
    });
    const absent = uniqueName('absent');
    const undeployed = await fanoutConsole(['--yes', 'redrive', '--function', absent, ...source(), '--id', 'hook']);
    expect(undeployed).toMatchObject({ code: 2, err: `fanout-console: --function: no function ${absent}; run fanout-console deploy first, or pass --function` });
  });
});
