import { DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand, ResourceNotFoundException as DeliveryStreamNotFound } from '@aws-sdk/client-firehose';
import { UsageError } from '../errors.js';
import { arnIn, arnOr } from './grants.js';
import { accountOfArn, fixFor, isArn, named } from './lookup.js';
import type { ConsoleTargetType, GrantStatement } from './types.js';

const PUT_TO_DELIVERY_STREAMS: GrantStatement = { sid: 'PutToDeliveryStreams', actions: ['firehose:PutRecordBatch'] };

export const firehoseTarget: ConsoleTargetType<true> = {
  title: 'Firehose',
  destinationHelp: 'a delivery stream name or ARN',
  async resolve(lookup) {
    const { deliveryStreamName, region } = lookup.storedForm<{ deliveryStreamName: string; region?: string }>();
    const scope = lookup.scope(region);
    const firehose = lookup.aws.client(FirehoseClient, scope);
    const { DeliveryStreamDescription } = await lookup.require(
      firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: deliveryStreamName })),
      DeliveryStreamNotFound,
      { resource: `Firehose delivery stream ${named(lookup.destination)}`, scope, fix: fixFor(lookup.destination) },
    );
    const found = DeliveryStreamDescription!.DeliveryStreamARN!;
    // Firehose addresses delivery streams by name only: delivery would go to the stream of that name in the caller's account
    if (isArn(lookup.destination) && found !== lookup.destination) {
      const account = accountOfArn(lookup.destination);
      throw new UsageError(`--destination: ${lookup.destination} is in account ${account}, but the lookup found ${found}; pass --destination-role-arn with a role of account ${account}`);
    }
    return found;
  },
  /** Direct PUT delivery streams only: the others refuse records. ListDeliveryStreams has no token: each page starts after the last name of the one before. */
  async discover(aws, scope) {
    const firehose = aws.client(FirehoseClient, scope);
    const names: string[] = [];
    for (;;) {
      const page = await firehose.send(new ListDeliveryStreamsCommand({ DeliveryStreamType: 'DirectPut', ExclusiveStartDeliveryStreamName: names.at(-1) }));
      const found = page.DeliveryStreamNames ?? [];
      names.push(...found);
      if (!page.HasMoreDeliveryStreams || found.length === 0) return names.map((name) => ({ label: name, value: name }));
    }
  },
  grant: {
    statements: [PUT_TO_DELIVERY_STREAMS],
    grantOf: ({ destination }, place) => ({
      statement: PUT_TO_DELIVERY_STREAMS,
      resource: arnOr(destination, () => arnIn(place, 'firehose', `deliverystream/${destination}`)),
    }),
  },
};
