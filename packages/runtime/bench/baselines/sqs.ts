import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SQS_MAX_BATCH_BYTES, SQS_MAX_BATCH_ENTRIES, SQS_MAX_MESSAGE_BYTES } from '../../src/targets/sqs/index.js';
import { awsConfig, bodies, groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (collapse, to) => {
  const sqs = new SQSClient(awsConfig());
  return async (event) => {
    const messages = bodies(itemsOf(event).map((item) => item.data), collapse, SQS_MAX_MESSAGE_BYTES);
    await inFlight(groups(messages, (body) => body.length, SQS_MAX_BATCH_ENTRIES, SQS_MAX_BATCH_BYTES), (batch) =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: to.queueUrl, Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body.toString('utf8') })) })),
    );
  };
};
