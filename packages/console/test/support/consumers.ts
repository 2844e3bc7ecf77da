import { CreateStreamCommand, DeleteStreamCommand, KinesisClient, ListStreamConsumersCommand, RegisterStreamConsumerCommand } from '@aws-sdk/client-kinesis';
import { awsClientConfig } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { aws } from './console.js';

// over HTTP/1.1: the SDK's Kinesis client would use HTTP/2, which moto does not speak
const kinesis = new KinesisClient({ ...awsClientConfig(aws), requestHandler: new NodeHttpHandler() });

/** The stream's enhanced fan-out consumers, as moto holds them. */
export async function streamConsumers(streamArn: string): Promise<Array<{ name: string; arn: string }>> {
  const { Consumers = [] } = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
  return Consumers.map((consumer) => ({ name: consumer.ConsumerName!, arn: consumer.ConsumerARN! }));
}

/** Registers a consumer on the stream, as someone other than fanout would: its ARN. */
export async function registerConsumer(streamArn: string, name: string): Promise<string> {
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }));
  return Consumer!.ConsumerARN!;
}

/** The ARN moto gives the stream's consumer of that name (AWS's ends with `:CREATION_TIMESTAMP` too). */
export const motoConsumerArn = (streamArn: string, name: string) => `${streamArn}/consumer/${name}`;

/**
 * Runs `action` (a hook through the consumer) while moto takes a mapping of the consumer's ARN.
 * moto 5.2.5 registers consumers, but CreateEventSourceMapping matches EventSourceArn against its
 * streams' ARNs only and answers any other Kinesis ARN with ResourceNotFoundException "Invalid
 * EventSourceArn". A stream named `STREAM/consumer/NAME` has exactly the consumer's ARN (moto
 * checks no stream name), so while it exists the mapping is taken; deleted afterwards, it leaves
 * the mapping as Lambda keeps it: EventSourceArn is the consumer's ARN.
 */
export async function whileMotoTakesConsumer<Result>(streamName: string, consumerName: string, action: () => Promise<Result>): Promise<Result> {
  const standIn = `${streamName}/consumer/${consumerName}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: standIn, ShardCount: 1 }));
  try {
    return await action();
  } finally {
    await kinesis.send(new DeleteStreamCommand({ StreamName: standIn }));
  }
}
