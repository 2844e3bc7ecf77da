import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName, type AwsCredentials } from '@fanout/testbed';
import { aws } from './harness.js';

export interface QueueOptions {
  fifo?: boolean;
  region?: string;
  credentials?: AwsCredentials;
}

export function sqsClient(options: QueueOptions = {}): SQSClient {
  return new SQSClient(awsClientConfig(aws, options));
}

/** A queue in the given account and region; `name` gives it a chosen name, e.g. the name of a queue elsewhere. */
export async function createQueue(options: QueueOptions = {}, name = uniqueName('queue') + (options.fifo ? '.fifo' : '')): Promise<string> {
  const { QueueUrl } = await sqsClient(options).send(
    new CreateQueueCommand({ QueueName: name, ...(options.fifo ? { Attributes: { FifoQueue: 'true' } } : {}) }),
  );
  return QueueUrl!;
}

/** Every message in the queue, in the order received (receives and deletes until it comes back empty). */
export async function drainQueue(queueUrl: string, options: QueueOptions = {}): Promise<Message[]> {
  const sqs = sqsClient(options);
  const messages: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300, MessageSystemAttributeNames: ['All'] }),
    );
    if (!Messages?.length) return messages;
    messages.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

/** The name of a queue, from its URL. */
export function queueName(queueUrl: string): string {
  return queueUrl.split('/').pop()!;
}

/** The bodies of every message in the queue, sorted (reading empties the queue). */
export async function bodiesIn(queueUrl: string, options: QueueOptions = {}): Promise<Array<string | undefined>> {
  return (await drainQueue(queueUrl, options)).map((message) => message.Body).sort();
}
