import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { outcomesOfPerRecordResults } from '../batch-results.js';
import type { CreateSender } from '../types.js';
import type { FirehoseDestination } from './index.js';

/** PutRecordBatch. Firehose fails single records for reasons that pass (service unavailable, throttling), so they are retried. */
export const createFirehoseSender: CreateSender<FirehoseDestination> = ({ destination, awsClient }) => {
  const firehose = awsClient(FirehoseClient, destination.region);
  return {
    async send(batch, signal) {
      const response = await firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: destination.deliveryStreamName,
          Records: batch.map((entry) => ({ Data: entry.body })),
        }),
        { abortSignal: signal },
      );
      return outcomesOfPerRecordResults(batch, response.RequestResponses);
    },
  };
};
