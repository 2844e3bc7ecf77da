import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { outcomesOfFailedEntries } from '../batch-results.js';
import { fifoFields } from '../fifo.js';
import type { CreateSender } from '../types.js';
import type { SqsDestination } from './index.js';

/** SendMessageBatch; a failed entry that is the sender's fault is rejected, any other is retried. */
export const createSqsSender: CreateSender<SqsDestination> = ({ destination, awsClient }) => {
  const sqs = awsClient(SQSClient, destination.region);
  return {
    async send(batch, signal) {
      const response = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: destination.queueUrl,
          Entries: batch.map((entry, index) => ({
            Id: String(index),
            MessageBody: entry.body.toString('utf8'),
            ...fifoFields(entry, destination.fifo),
          })),
        }),
        { abortSignal: signal },
      );
      return outcomesOfFailedEntries(batch, response.Failed);
    },
  };
};
