import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SNS_MAX_BATCH_BYTES, SNS_MAX_BATCH_ENTRIES, SNS_MAX_MESSAGE_BYTES } from '../../src/targets/sns/index.js';
import { awsConfig, bodies, groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (collapse, to) => {
  const sns = new SNSClient(awsConfig());
  return async (event) => {
    const messages = bodies(itemsOf(event).map((item) => item.data), collapse, SNS_MAX_MESSAGE_BYTES);
    await inFlight(groups(messages, (body) => body.length, SNS_MAX_BATCH_ENTRIES, SNS_MAX_BATCH_BYTES), (batch) =>
      sns.send(new PublishBatchCommand({ TopicArn: to.topicArn, PublishBatchRequestEntries: batch.map((body, index) => ({ Id: String(index), Message: body.toString('utf8') })) })),
    );
  };
};
