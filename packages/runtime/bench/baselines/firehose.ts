import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { FIREHOSE_MAX_BATCH_BYTES, FIREHOSE_MAX_BATCH_ENTRIES } from '../../src/targets/firehose/index.js';
import { awsConfig, groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const firehose = new FirehoseClient(awsConfig());
  return async (event) => {
    await inFlight(groups(itemsOf(event), (item) => item.data.length, FIREHOSE_MAX_BATCH_ENTRIES, FIREHOSE_MAX_BATCH_BYTES), (batch) =>
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: to.deliveryStreamName, Records: batch.map((item) => ({ Data: item.data })) })),
    );
  };
};
