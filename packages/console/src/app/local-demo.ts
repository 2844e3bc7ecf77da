import { CreateStreamCommand, KinesisClient, PutRecordCommand, ResourceInUseException } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { findMapping } from '../aws/mappings.js';
import { resolveSourceArn } from '../aws/sources.js';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';
import { deployFanout } from './deploy.js';
import { hookSource } from './hooks.js';
import { runStep, type OnStep } from './steps.js';
import { listTargets, registerTarget } from './targets.js';

/** What the demo makes: a stream of orders, copied to a queue. */
export const DEMO = { stream: 'fanout-demo-orders', queue: 'fanout-demo-copies', target: 'copies' } as const;

export interface Demo {
  streamName: string;
  streamArn: string;
  queueUrl: string;
}

/**
 * Makes, where they are missing, what a first look at fanout needs: the deployment, a Kinesis
 * stream hooked to the function, and a queue registered as an active target of it. Run again, it
 * changes nothing.
 */
export async function prepareDemo(context: AwsContext, deployment: Deployment, onStep: OnStep): Promise<Demo> {
  await deployFanout(context, deployment, {}, onStep);
  const kinesis = context.aws.client(KinesisClient);
  await runStep(
    onStep,
    `stream ${DEMO.stream}`,
    () =>
      kinesis.send(new CreateStreamCommand({ StreamName: DEMO.stream, ShardCount: 1 })).then(
        () => 'created',
        (error: unknown) => {
          if (error instanceof ResourceInUseException) return 'unchanged';
          throw error;
        },
      ),
    (outcome) => outcome,
  );
  const streamArn = await resolveSourceArn(context, { sourceType: 'kinesis', source: DEMO.stream });
  const queueUrl = await runStep(
    onStep,
    `queue ${DEMO.queue}`,
    async () => (await context.aws.client(SQSClient).send(new CreateQueueCommand({ QueueName: DEMO.queue }))).QueueUrl!,
    () => 'ready',
  );
  await runStep(
    onStep,
    `target ${DEMO.target}`,
    async () => {
      if ((await listTargets(context, deployment, streamArn)).some((stored) => stored.row.id === DEMO.target)) return 'unchanged';
      await registerTarget(context, deployment, { sourceArn: streamArn, id: DEMO.target, type: 'sqs', destination: queueUrl, active: true });
      return 'created';
    },
    (outcome) => outcome,
  );
  await runStep(
    onStep,
    `hook ${DEMO.stream}`,
    async () => {
      if (await findMapping(context, deployment.functionName, streamArn)) return 'unchanged';
      await hookSource(context, deployment, streamArn, { startingPosition: 'TRIM_HORIZON' });
      return 'created';
    },
    (outcome) => outcome,
  );
  return { streamName: DEMO.stream, streamArn, queueUrl };
}

/** Puts an order into the demo stream every `everyMs`, until stopped, so that there is something to watch. */
export function startDemoOrders(context: AwsContext, streamName: string, everyMs = 1_000): { stop(): Promise<void> } {
  const kinesis = context.aws.client(KinesisClient);
  let order = 0;
  let putting: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    order += 1;
    const record = { order, item: ['tea', 'coffee', 'cake'][order % 3], quantity: (order % 4) + 1, at: new Date().toISOString() };
    // a failed put is skipped: the next one comes a second later
    putting = kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: `customer-${order % 5}`, Data: Buffer.from(JSON.stringify(record)) })).catch(() => undefined);
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await putting;
    },
  };
}
