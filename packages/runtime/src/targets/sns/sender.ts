import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { outcomesOfFailedEntries } from '../batch-results.js';
import { fifoFields } from '../fifo.js';
import type { CreateSender } from '../types.js';
import type { SnsDestination } from './index.js';

/** PublishBatch; a failed entry that is the sender's fault is rejected, any other is retried. */
export const createSnsSender: CreateSender<SnsDestination> = ({ destination, awsClient }) => {
  const sns = awsClient(SNSClient, destination.region);
  return {
    async send(batch, signal) {
      const response = await sns.send(
        new PublishBatchCommand({
          TopicArn: destination.topicArn,
          PublishBatchRequestEntries: batch.map((entry, index) => ({
            Id: String(index),
            Message: entry.body.toString('utf8'),
            ...fifoFields(entry, destination.fifo),
          })),
        }),
        { abortSignal: signal },
      );
      return outcomesOfFailedEntries(batch, response.Failed);
    },
  };
};
