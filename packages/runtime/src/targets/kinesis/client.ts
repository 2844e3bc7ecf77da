import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A Kinesis client over HTTP/1.1. The SDK's Kinesis client speaks HTTP/2 (for SubscribeToShard,
 * which fanout does not use), which endpoints that only speak HTTP/1.1, such as moto in local
 * mode, break off with "Protocol error"; every other Kinesis API works over HTTP/1.1. A
 * NodeHttpHandler given (HTTP/1.1 too: the local mode's, that does not verify TLS certificates) is kept.
 */
export class Http1KinesisClient extends KinesisClient {
  constructor(config: KinesisClientConfig) {
    super({ ...config, requestHandler: config.requestHandler instanceof NodeHttpHandler ? config.requestHandler : new NodeHttpHandler() });
  }
}
