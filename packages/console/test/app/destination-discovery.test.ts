import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { discoverDestinations } from '../../src/app/destination-discovery.js';
import { validateTargetDraft } from '../../src/app/targets.js';
import { resolveDestination } from '../../src/targets/destinations.js';
import { appContext } from '../support/app.js';
import { aws } from '../support/console.js';
import {
  createCacheCluster,
  createDeliveryStream,
  createDomain,
  createFunction,
  createQueue,
  createReplicationGroup,
  createStream,
  createTopic,
  secondAccount,
} from '../support/destination-resources.js';

const [home, otherRegion] = aws.regions;
const [account] = aws.accounts;
const context = appContext();
/** moto's page size for ListTopics (AWS's is 100 too). */
const TOPICS_PER_PAGE = 100;

const valuesOf = (choices: Array<{ value: string }>) => choices.map((choice) => choice.value);

describe('discoverDestinations', () => {
  it('lists topics by name with their ARNs, queues with their URLs, streams with their ARNs, functions with their ARNs', async () => {
    const [topic, queue, stream, fn] = await Promise.all([createTopic(), createQueue(), createStream(), createFunction()]);
    expect(await discoverDestinations(context, 'sns')).toContainEqual({ label: topic.name, value: topic.arn });
    expect(await discoverDestinations(context, 'sqs')).toContainEqual({ label: queue.name, value: queue.url });
    expect(await discoverDestinations(context, 'kinesis')).toContainEqual({ label: stream.name, value: stream.arn });
    expect(await discoverDestinations(context, 'lambda')).toContainEqual({ label: fn.name, value: fn.arn });
  });

  it('gives values that register resolves to the destinations the rows store', async () => {
    const [topic, queue] = await Promise.all([createTopic(), createQueue()]);
    const [topicChoice] = (await discoverDestinations(context, 'sns')).filter((choice) => choice.label === topic.name);
    const [queueChoice] = (await discoverDestinations(context, 'sqs')).filter((choice) => choice.label === queue.name);
    expect(await resolveDestination(context, { type: 'sns', destination: topicChoice!.value })).toBe(topic.arn);
    expect(await resolveDestination(context, { type: 'sqs', destination: queueChoice!.value })).toBe(queue.url);
  });

  it('lists the Direct PUT delivery streams by name, not those that read a Kinesis stream', async () => {
    const direct = await createDeliveryStream();
    const fromStream = uniqueName('from-stream');
    const source = await createStream();
    await new FirehoseClient(awsClientConfig(aws)).send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: fromStream,
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: { KinesisStreamARN: source.arn, RoleARN: `arn:aws:iam::${account}:role/firehose-reader` },
        ExtendedS3DestinationConfiguration: { BucketARN: `arn:aws:s3:::${uniqueName('delivered')}`, RoleARN: `arn:aws:iam::${account}:role/firehose-delivery` },
      }),
    );
    const choices = await discoverDestinations(context, 'firehose');
    expect(choices).toContainEqual({ label: direct.name, value: direct.name });
    expect(valuesOf(choices)).not.toContain(fromStream);
  });

  it('lists OpenSearch domains by name (register takes the index beside it)', async () => {
    const domain = await createDomain();
    expect(await discoverDestinations(context, 'es')).toContainEqual({ label: domain.name, value: domain.name });
    expect(await resolveDestination(context, { type: 'es', destination: domain.name, index: 'orders' })).toBe(`https://${domain.endpoint}#orders`);
  });

  it('lists redis replication groups and stand-alone redis clusters, not groups in cluster mode nor their members, nor memcached', async () => {
    const [group, sharded, memcached, standalone] = await Promise.all([
      createReplicationGroup(),
      createReplicationGroup({ clusterMode: true }),
      createCacheCluster('memcached'),
      createCacheCluster('redis'),
    ]);
    const member = await createCacheCluster('redis', group.id);
    const values = valuesOf(await discoverDestinations(context, 'redis'));
    expect(values).toEqual(expect.arrayContaining([group.id, standalone]));
    for (const excluded of [sharded.id, member, memcached]) expect(values).not.toContain(excluded);
  });

  it('lists memcached clusters only for memcached', async () => {
    const [memcached, redis] = await Promise.all([createCacheCluster('memcached'), createCacheCluster('redis')]);
    const values = valuesOf(await discoverDestinations(context, 'memcached'));
    expect(values).toContain(memcached);
    expect(values).not.toContain(redis);
  });

  // moto makes up a new endpoint address on every DescribeEndpoint: its form is what can be checked
  it('gives the account\'s IoT data endpoint (ATS) for iot, which a topic completes into a destination', async () => {
    const choices = await discoverDestinations(context, 'iot');
    expect(choices).toEqual([{ label: choices[0]!.value, value: expect.stringMatching(new RegExp(`^[a-z0-9]+-ats\\.iot\\.${home}\\.amazonaws\\.com$`)) }]);
    expect(validateTargetDraft({ sourceArn: `arn:aws:kinesis:${home}:${account}:stream/orders`, type: 'iot', destination: `${choices[0]!.value}#orders` })).toEqual({});
  });

  it('lists nothing for http', async () => {
    expect(await discoverDestinations(context, 'http')).toEqual([]);
  });

  it('sorts by label', async () => {
    const labels = (await discoverDestinations(context, 'sqs')).map((choice) => choice.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
  });

  it('looks in the region given, and finds the topics of every page of ListTopics there', async () => {
    const sns = new SNSClient(awsClientConfig(aws, { region: otherRegion }));
    const create = pLimit(20);
    const arns = await Promise.all(
      Array.from({ length: TOPICS_PER_PAGE + 5 }, () => create(async () => (await sns.send(new CreateTopicCommand({ Name: uniqueName('listed') }))).TopicArn!)),
    );
    const home = await createTopic();
    const found = valuesOf(await discoverDestinations(context, 'sns', { region: otherRegion }));
    expect(arns.filter((arn) => !found.includes(arn))).toEqual([]);
    expect(found).not.toContain(home.arn);
  });

  it('looks in the account of the role given', async () => {
    const { role, credentials } = await secondAccount();
    const [theirs, ours] = await Promise.all([createQueue({ credentials }), createQueue()]);
    const values = valuesOf(await discoverDestinations(context, 'sqs', { role }));
    expect(values).toContain(theirs.url);
    expect(values).not.toContain(ours.url);
  });
});
