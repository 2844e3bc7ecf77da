import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KINESIS_MAX_BATCH_BYTES, KINESIS_MAX_BATCH_ENTRIES } from '../../src/targets/kinesis/index.js';
import { awsConfig, groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const kinesis = new KinesisClient(awsConfig());
  return async (event) => {
    const items = itemsOf(event);
    await inFlight(groups(items, (item) => item.data.length + item.record.kinesis.partitionKey.length, KINESIS_MAX_BATCH_ENTRIES, KINESIS_MAX_BATCH_BYTES), (batch) =>
      kinesis.send(new PutRecordsCommand({ StreamName: to.streamName, Records: batch.map((item) => ({ PartitionKey: item.record.kinesis.partitionKey, Data: item.data })) })),
    );
  };
};
