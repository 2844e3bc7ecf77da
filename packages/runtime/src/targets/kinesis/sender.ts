import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { outcomesOfPerRecordResults } from '../batch-results.js';
import type { CreateSender } from '../types.js';
import { Http1KinesisClient } from './client.js';
import { partitionKeyOf, type KinesisDestination } from './index.js';

/**
 * PutRecords. Kinesis fails single records for reasons that pass (throughput exceeded, internal
 * failure, KMS throttling), so a failed record is retried.
 */
export const createKinesisSender: CreateSender<KinesisDestination> = ({ destination, awsClient }) => {
  const kinesis = awsClient(Http1KinesisClient, destination.region);
  const stream = destination.streamArn ? { StreamARN: destination.streamArn } : { StreamName: destination.streamName };
  return {
    async send(batch, signal) {
      const response = await kinesis.send(
        new PutRecordsCommand({
          ...stream,
          // kinesis targets do not collapse: an entry carries one record
          Records: batch.map((entry) => ({ PartitionKey: partitionKeyOf(entry.records[0]!), Data: entry.body })),
        }),
        { abortSignal: signal },
      );
      return outcomesOfPerRecordResults(batch, response.Records);
    },
  };
};
