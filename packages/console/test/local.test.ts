import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import type { Terminal } from '../src/context.js';
import { aws, fanoutConsole, testTerminal } from './support/console.js';
import { createQueue, createStream } from './support/destination-resources.js';

/** A terminal whose Ctrl-C the test presses. */
function terminalWithCtrlC(): { terminal: Terminal; pressCtrlC: () => void } {
  let pressCtrlC = () => undefined as void;
  const interrupted = new Promise<void>((resolve) => (pressCtrlC = resolve));
  return { terminal: testTerminal({ interactive: true, interrupted: () => interrupted }), pressCtrlC };
}

/** Every message body in the queue so far (the test reads each message once; the queue keeps no order). */
async function bodiesIn(queueUrl: string): Promise<string[]> {
  const sqs = new SQSClient(awsClientConfig(aws));
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

describe('fanout-console local', () => {
  it('runs the function\'s code here: records put in a hooked stream reach the target until Ctrl-C, and the checkpoints are kept', async () => {
    const functionName = uniqueName('local');
    const stream = await createStream();
    const queue = await createQueue();
    const scope = ['--function', functionName, '--source-arn', stream.arn];
    expect((await fanoutConsole(['--yes', 'deploy', '--function', functionName])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'register', 'sqs', ...scope, '--id', 'copy', '--destination', queue.url, '--collapse', 'none', '--active'])).code).toBe(0);
    expect((await fanoutConsole(['--yes', 'hook', ...scope, '--starting-position', 'TRIM_HORIZON'])).code).toBe(0);
    const kinesis = new KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });
    const bodies = ['{"order":1}', 'second', '{"order":3}'];
    for (const body of bodies) await kinesis.send(new PutRecordCommand({ StreamName: stream.name, PartitionKey: 'k', Data: Buffer.from(body) }));

    const checkpoints = join(mkdtempSync(join(tmpdir(), 'fanout-local-')), 'checkpoints.json');
    const { terminal, pressCtrlC } = terminalWithCtrlC();
    const running = fanoutConsole(['local', '--function', functionName, '--checkpoints', checkpoints, '--refresh', '1'], { terminal });
    const received: string[] = [];
    await expect.poll(async () => received.push(...(await bodiesIn(queue.url))) && received.length, { timeout: 20_000, interval: 500 }).toBe(3);
    expect(received.sort()).toEqual([...bodies].sort());

    pressCtrlC();
    const { code, out, err } = await running;
    expect(code).toBe(0);
    expect(err).toContain(`polling the streams hooked to ${functionName} in ${aws.regions[0]} (checkpoints in ${checkpoints}); Ctrl-C to stop`);
    expect(out).toBe(`stopped polling for ${functionName}`);
    const saved = JSON.parse(readFileSync(checkpoints, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.values(saved).flatMap((shards) => Object.values(shards))).toEqual([expect.stringMatching(/^\d+$/)]);
  }, 60_000);

  it('refuses a function that is not deployed, and a bad --refresh, in one line, exit 2', async () => {
    const missing = uniqueName('nothing');
    const { terminal } = terminalWithCtrlC();
    const noFunction = await fanoutConsole(['local', '--function', missing], { terminal });
    expect(noFunction.code).toBe(2);
    expect(noFunction.err).toBe(`fanout-console: --function: no function ${missing} in ${aws.regions[0]}; run fanout-console deploy first, or pass --function`);
    const badRefresh = await fanoutConsole(['local', '--refresh', '0'], { terminal });
    expect(badRefresh.code).toBe(2);
    expect(badRefresh.err).toBe('fanout-console: --refresh: expected a whole number of seconds from 1 to 3600');
  });
});
