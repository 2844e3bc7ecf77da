import type { Context } from 'aws-lambda';
import type { BatchResponse, Fanout, StreamEvent } from './fanout.js';
import { settingsFromEnvironment } from './settings.js';

let fanout: Promise<Fanout> | undefined;

/**
 * The Lambda entry point: a Kinesis or DynamoDB Streams event in, `batchItemFailures` out. The
 * pipeline loads with the first event that has records, so that starting the function reads only
 * this file.
 */
export async function handler(event: StreamEvent, context: Context): Promise<BatchResponse> {
  if (event.Records.length === 0) return { batchItemFailures: [] };
  if (!fanout) {
    fanout = import('./fanout.js').then(({ Fanout }) => new Fanout(settingsFromEnvironment()));
    // settings that do not parse fail this invocation and are read again on the next
    fanout.catch(() => (fanout = undefined));
  }
  return (await fanout).process(event, () => context.getRemainingTimeInMillis());
}
