import { DescribeStreamSummaryCommand, KinesisClient, ResourceNotFoundException as StreamNotFound } from '@aws-sdk/client-kinesis';
import { listKinesisStreams } from '../aws/sources.js';
import { arnIn, arnOr } from './grants.js';
import { fixFor, named } from './lookup.js';
import type { ConsoleTargetType, GrantStatement } from './types.js';

// the runtime reads the stream's maximum record size (DescribeStreamSummary) to pack its records
const PUT_TO_STREAMS: GrantStatement = { sid: 'PutToStreams', actions: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary'] };

export const kinesisTarget: ConsoleTargetType<true> = {
  title: 'Kinesis',
  destinationHelp: 'a stream name or ARN',
  async resolve(lookup) {
    const { streamName, streamArn, region } = lookup.storedForm<{ streamName: string; streamArn?: string; region?: string }>();
    const scope = lookup.scope(region);
    const kinesis = lookup.aws.client(KinesisClient, scope);
    const { StreamDescriptionSummary } = await lookup.require(
      kinesis.send(new DescribeStreamSummaryCommand(streamArn ? { StreamARN: streamArn } : { StreamName: streamName })),
      StreamNotFound,
      { resource: `Kinesis stream ${named(lookup.destination)}`, scope, fix: fixFor(lookup.destination) },
    );
    return StreamDescriptionSummary!.StreamARN!;
  },
  discover: async (aws, scope) => (await listKinesisStreams(aws, scope)).map(({ name, arn }) => ({ label: name, value: arn })),
  grant: {
    statements: [PUT_TO_STREAMS],
    grantOf: ({ destination }, place) => ({ statement: PUT_TO_STREAMS, resource: arnOr(destination, () => arnIn(place, 'kinesis', `stream/${destination}`)) }),
  },
};
