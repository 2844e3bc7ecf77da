import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { messageDeduplicationId, messageGroupId } from '../fifo.js';
import { delivered, rejected, retryable, type CreateSender } from '../types.js';
import type { SqsDestination } from './index.js';

/** SendMessageBatch; a failed entry that is the sender's fault is rejected, any other is retried. */
export const createSqsSender: CreateSender<SqsDestination> = ({ destination, awsClient }) => {
  const sqs = awsClient(SQSClient, destination.region);
  return {
    async send(batch) {
      const response = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: destination.queueUrl,
          Entries: batch.map((entry, index) => ({
            Id: String(index),
            MessageBody: entry.body.toString('utf8'),
            ...(destination.fifo ? { MessageGroupId: messageGroupId(entry), MessageDeduplicationId: messageDeduplicationId(entry) } : {}),
          })),
        }),
      );
      const outcomes = batch.map(() => delivered());
      for (const failure of response.Failed ?? []) {
        const reason = `${failure.Code}: ${failure.Message ?? ''}`;
        outcomes[Number(failure.Id)] = failure.SenderFault ? rejected(reason) : retryable(reason);
      }
      return outcomes;
    },
  };
};
