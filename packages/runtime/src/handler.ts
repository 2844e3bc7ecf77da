import type { Context } from 'aws-lambda';
import { Fanout, type BatchResponse, type StreamEvent } from './fanout.js';
import { settingsFromEnvironment } from './settings.js';

let fanout: Fanout | undefined;

/** The Lambda entry point: a Kinesis or DynamoDB Streams event in, `batchItemFailures` out. */
export async function handler(event: StreamEvent, context: Context): Promise<BatchResponse> {
  fanout ??= new Fanout(settingsFromEnvironment());
  return fanout.process(event, () => context.getRemainingTimeInMillis());
}
