import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamRecord } from './kinesis.js';

/** AWS's figures (Kinesis API reference: PutRecords, UpdateMaxRecordSize), written out rather than taken from the code under test. */
const MIB = 1_048_576;
const MAX_RECORDS_PER_CALL = 500;

export interface LargeRecordKinesisOptions {
  /** What DescribeStreamSummary says; absent, it says nothing of it (as moto 5.2.5 and older endpoints). */
  maxRecordSizeInKiB?: number;
  /** DescribeStreamSummary answers AccessDeniedException, as for a role without kinesis:DescribeStreamSummary. */
  denyDescribe?: boolean;
  /** The first this many DescribeStreamSummary calls answer ResourceNotFoundException (an error the SDK does not retry). */
  failedDescribes?: number;
}

export interface LargeRecordKinesis {
  endpoint: string;
  /** DescribeStreamSummary calls received. */
  describeCalls: number;
  /** The records of each PutRecords call it took, in the order received. */
  putCalls: StreamRecord[][];
  close(): Promise<void>;
}

/**
 * A Kinesis endpoint of one stream whose maximum record size can be raised, for what moto does not
 * do (its 5.2.5 knows no MaxRecordSizeInKiB): DescribeStreamSummary, and PutRecords refusing a call
 * over AWS's limits (a record over the stream's size with its key, over 500 records, over 10 MiB a
 * call, or 5 MiB for a stream left at 1 MiB) as Kinesis does, with a ValidationException.
 */
export async function startLargeRecordKinesis(options: LargeRecordKinesisOptions): Promise<LargeRecordKinesis> {
  const maxRecordBytes = (options.maxRecordSizeInKiB ?? 1_024) * 1_024;
  const maxCallBytes = maxRecordBytes > MIB ? 10 * MIB : 5 * MIB;
  const state = { describeCalls: 0, putCalls: [] as StreamRecord[][] };

  const answer = (operation: string, input: { Records?: Array<{ PartitionKey: string; Data: string }> }): [number, object] => {
    if (operation === 'DescribeStreamSummary') {
      state.describeCalls += 1;
      if (options.denyDescribe) return [400, { __type: 'AccessDeniedException', message: 'not authorized to perform: kinesis:DescribeStreamSummary' }];
      if (state.describeCalls <= (options.failedDescribes ?? 0)) return [400, { __type: 'ResourceNotFoundException', message: 'Stream large not found' }];
      const summary = { StreamName: 'large', StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/large', StreamStatus: 'ACTIVE', OpenShardCount: 1 };
      const maxRecordSize = options.maxRecordSizeInKiB === undefined ? {} : { MaxRecordSizeInKiB: options.maxRecordSizeInKiB };
      return [200, { StreamDescriptionSummary: { ...summary, ...maxRecordSize } }];
    }
    if (operation !== 'PutRecords') return [400, { __type: 'UnknownOperationException', message: operation }];
    const records = (input.Records ?? []).map((record) => ({ partitionKey: record.PartitionKey, data: Buffer.from(record.Data, 'base64') }));
    const sizes = records.map((record) => record.data.length + Buffer.byteLength(record.partitionKey));
    const tooLarge = sizes.findIndex((size) => size > maxRecordBytes);
    const callBytes = sizes.reduce((sum, size) => sum + size, 0);
    if (records.length > MAX_RECORDS_PER_CALL || tooLarge >= 0 || callBytes > maxCallBytes) {
      return [400, { __type: 'ValidationException', message: `record ${tooLarge} too large, or ${records.length} records of ${callBytes} bytes` }];
    }
    state.putCalls.push(records);
    return [200, { FailedRecordCount: 0, Records: records.map((_record, index) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(index) })) }];
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^Kinesis_20131202\./, '');
      const [status, body] = answer(operation, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      const type = '__type' in body ? { 'x-amzn-errortype': String(body.__type) } : {};
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...type });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get describeCalls() {
      return state.describeCalls;
    },
    putCalls: state.putCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
