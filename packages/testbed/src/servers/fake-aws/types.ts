/** What the fake AWS endpoint tells a test, over its control routes. */

export interface FakeApiCounters {
  requests: number;
  /** The calls' entries: a batch's entries (records, messages, bulk actions), 1 for a call of one. */
  entries: number;
  /** Request body bytes, as received. */
  bytes: number;
}

/** By operation as operationOf names it: 'sqs.SendMessageBatch', 'sns.Publish', 'dynamodb.GetItem' (passed through ones are counted too), 'http' ... */
export type FakeAwsCounters = Record<string, FakeApiCounters>;

export interface KeptEntry {
  /**
   * SQS: the queue URL's path (`/ACCOUNT/QUEUE`), or the QueueUrl as sent when it is no URL; SNS:
   * the TopicArn (else TargetArn, PhoneNumber); Kinesis: StreamName, else StreamARN; Firehose:
   * DeliveryStreamName; Lambda: the function name (or ARN) as in the path; IoT: the topic;
   * OpenSearch: the action's _index, else the path's; HTTP: the path, without its query.
   */
  destination: string;
  /**
   * The entry's payload as the API received it, decoded to the bytes' base64: an SQS/SNS message's
   * UTF-8, Kinesis/Firehose Data (already base64 on the wire), a Lambda/IoT/HTTP body, an
   * OpenSearch action's source line (empty for a delete, which has none).
   */
  data: string;
  /** Kinesis PartitionKey, SQS/SNS MessageGroupId, OpenSearch _id (as sent, or as the fake made it). */
  key?: string;
  /** When the fake received it: milliseconds since the epoch. */
  receivedAt: number;
}
