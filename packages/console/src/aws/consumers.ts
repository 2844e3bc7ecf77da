import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  KinesisClient,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type ConsumerDescription,
} from '@aws-sdk/client-kinesis';
import type { AwsContext } from '../context.js';

/** A Kinesis stream's enhanced fan-out consumer, by name and ARN. */
export interface StreamConsumer {
  name: string;
  arn: string;
}

/** Whether hook registered the consumer (`created`) or found one of that name on the stream (`reused`). */
export type ConsumerOutcome = 'created' | 'reused';

/** Registering takes Kinesis seconds, at times minutes; deregistering likewise. */
const CONSUMER_WAIT_MS = 300_000;
const CONSUMER_POLL_MS = 2_000;

/** The stream's region: a consumer lives in its stream's region, which --source-arn may name apart from --region. */
function kinesisFor(context: AwsContext, streamArn: string): KinesisClient {
  return context.aws.client(KinesisClient, { region: streamArn.split(':')[3] });
}

async function described(kinesis: KinesisClient, lookup: { StreamARN: string; ConsumerName: string } | { ConsumerARN: string }): Promise<ConsumerDescription | undefined> {
  try {
    return (await kinesis.send(new DescribeStreamConsumerCommand(lookup))).ConsumerDescription;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** Looks the consumer up until `done` says it has settled, within CONSUMER_WAIT_MS. */
async function settledConsumer(
  kinesis: KinesisClient,
  lookup: { StreamARN: string; ConsumerName: string },
  done: (consumer: ConsumerDescription | undefined) => boolean,
  waitingFor: string,
): Promise<ConsumerDescription | undefined> {
  const deadline = Date.now() + CONSUMER_WAIT_MS;
  for (;;) {
    const consumer = await described(kinesis, lookup);
    if (done(consumer)) return consumer;
    if (Date.now() > deadline) {
      throw new Error(`consumer ${lookup.ConsumerName} of ${lookup.StreamARN} is still ${consumer?.ConsumerStatus ?? 'absent'} after ${CONSUMER_WAIT_MS / 1000} s (waiting for it to be ${waitingFor}); try again later`);
    }
    await sleep(CONSUMER_POLL_MS);
  }
}

/**
 * The stream's consumer of that name, ACTIVE: the one it has (`reused`), else one registered now
 * (`created`). A consumer being deregistered is waited for, then registered again.
 */
export async function ensureConsumer(context: AwsContext, streamArn: string, name: string): Promise<StreamConsumer & { outcome: ConsumerOutcome }> {
  const kinesis = kinesisFor(context, streamArn);
  const lookup = { StreamARN: streamArn, ConsumerName: name };
  let existing = await described(kinesis, lookup);
  if (existing?.ConsumerStatus === 'DELETING') existing = await settledConsumer(kinesis, lookup, (consumer) => consumer === undefined, 'deregistered');
  let outcome: ConsumerOutcome = 'reused';
  if (!existing) {
    try {
      await kinesis.send(new RegisterStreamConsumerCommand(lookup));
      outcome = 'created';
    } catch (error) {
      // registered meanwhile by someone else: theirs is reused
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  const active = await settledConsumer(kinesis, lookup, (consumer) => consumer?.ConsumerStatus === 'ACTIVE', 'ACTIVE');
  return { name, arn: active!.ConsumerARN!, outcome };
}

/** Deregisters the consumer (by its ARN); one already gone is fine. */
export async function deregisterConsumer(context: AwsContext, consumerArn: string): Promise<void> {
  try {
    await kinesisFor(context, consumerArn).send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}
