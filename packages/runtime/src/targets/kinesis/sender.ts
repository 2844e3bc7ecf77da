import { AccessDeniedException, DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { outcomesOfPerRecordResults } from '../batch-results.js';
import type { BatchLimits, CreateSender } from '../types.js';
import { Http1KinesisClient } from './client.js';
import { kinesisLimits, partitionKeyOf, type KinesisDestination } from './index.js';

/**
 * PutRecords. Kinesis fails single records for reasons that pass (throughput exceeded, internal
 * failure, KMS throttling), so a failed record is retried. Records are packed to the stream's own
 * maximum record size, read once (DescribeStreamSummary) and kept with the sender: the default when
 * the stream does not say it (an older endpoint) or the read is denied, which is logged once.
 */
export const createKinesisSender: CreateSender<KinesisDestination> = ({ destination, awsClient, log }) => {
  const kinesis = awsClient(Http1KinesisClient, destination.region);
  const stream = destination.streamArn ? { StreamARN: destination.streamArn } : { StreamName: destination.streamName };

  const readLimits = async (signal: AbortSignal): Promise<BatchLimits> => {
    try {
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand(stream), { abortSignal: signal });
      return kinesisLimits(StreamDescriptionSummary?.MaxRecordSizeInKiB);
    } catch (error) {
      if (!(error instanceof AccessDeniedException)) throw error;
      log.warn("kinesis:DescribeStreamSummary is denied: records are packed at the default 1 MiB, not the stream's own maximum record size, until the target changes or the function restarts", { error });
      return kinesisLimits(undefined);
    }
  };
  // one read shared by concurrent deliveries; one that fails (not a denial) is tried again next time
  let known: Promise<BatchLimits> | undefined;

  return {
    limits(signal) {
      known ??= readLimits(signal).catch((error: unknown) => {
        known = undefined;
        throw error;
      });
      return known;
    },
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
