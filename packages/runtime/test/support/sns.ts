import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { aws } from './harness.js';
import { createQueue, sqsClient, type QueueOptions } from './sqs.js';

function snsClient(options: QueueOptions = {}): SNSClient {
  return new SNSClient(awsClientConfig(aws, options));
}

export interface SubscribedTopic {
  topicArn: string;
  /** Receives every message published to the topic, exactly as published (raw message delivery). */
  queueUrl: string;
}

/**
 * A topic (FIFO when asked) with a queue subscribed to it, in the given account and region.
 * `name` gives the topic a chosen name, e.g. the name of a topic elsewhere.
 */
export async function createSubscribedTopic(options: QueueOptions & { name?: string } = {}): Promise<SubscribedTopic> {
  const name = options.name ?? uniqueName('topic') + (options.fifo ? '.fifo' : '');
  const sns = snsClient(options);
  const { TopicArn } = await sns.send(
    new CreateTopicCommand({ Name: name, ...(options.fifo ? { Attributes: { FifoTopic: 'true' } } : {}) }),
  );
  const queueUrl = await createQueue(options);
  const { Attributes } = await sqsClient(options).send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes!.QueueArn!,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { topicArn: TopicArn!, queueUrl };
}
