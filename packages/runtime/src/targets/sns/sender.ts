import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { messageDeduplicationId, messageGroupId } from '../fifo.js';
import { delivered, rejected, retryable, type CreateSender } from '../types.js';
import type { SnsDestination } from './index.js';

/** PublishBatch; a failed entry that is the sender's fault is rejected, any other is retried. */
export const createSnsSender: CreateSender<SnsDestination> = ({ destination, awsClient }) => {
  const sns = awsClient(SNSClient, destination.region);
  return {
    async send(batch) {
      const response = await sns.send(
        new PublishBatchCommand({
          TopicArn: destination.topicArn,
          PublishBatchRequestEntries: batch.map((entry, index) => ({
            Id: String(index),
            Message: entry.body.toString('utf8'),
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
