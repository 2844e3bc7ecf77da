import type { TargetOperation } from '../fault-proxy/apis.js';
import type { Handler } from './calls.js';
import * as firehose from './firehose.js';
import * as http from './http.js';
import * as iot from './iot.js';
import * as kinesis from './kinesis.js';
import * as lambda from './lambda.js';
import * as opensearch from './opensearch.js';
import * as sns from './sns.js';
import * as sqs from './sqs.js';

/** Every target write, answered as a success, never passed on. */
export const WRITES: Record<TargetOperation, Handler> = {
  'sqs.SendMessage': sqs.sendMessage,
  'sqs.SendMessageBatch': sqs.sendMessageBatch,
  'sns.Publish': sns.publish,
  'sns.PublishBatch': sns.publishBatch,
  'kinesis.PutRecord': kinesis.putRecord,
  'kinesis.PutRecords': kinesis.putRecords,
  'firehose.PutRecord': firehose.putRecord,
  'firehose.PutRecordBatch': firehose.putRecordBatch,
  'lambda.Invoke': lambda.invoke,
  'iot.Publish': iot.publish,
  'opensearch.Bulk': opensearch.bulk,
  http: http.accept,
};

/** The reads a target's sender makes before it writes, answered only when there is no upstream to ask. */
export const STANDALONE_READS: Record<string, Handler> = {
  'kinesis.DescribeStreamSummary': kinesis.describeStreamSummary,
};
