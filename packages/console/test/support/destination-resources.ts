import { CreateCacheClusterCommand, CreateReplicationGroupCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateFunctionCommand, LambdaClient, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { CreateDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, credentialsForAccount, uniqueName, type AwsCredentials } from '@fanout/testbed';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { strToU8, zipSync } from 'fflate';
import { aws } from './console.js';

/** Where a resource is created: the first region and account unless told otherwise. */
export interface Placement {
  region?: string;
  credentials?: AwsCredentials;
}

function config(placement: Placement) {
  return awsClientConfig(aws, placement);
}

/** The bodies of every message the queue has now, each received once (hidden for 5 minutes after); no order: a standard queue keeps none. */
export async function receiveBodies(queueUrl: string, endpoint = aws.endpoint): Promise<string[]> {
  const sqs = new SQSClient({ ...awsClientConfig(aws), endpoint });
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
}

export async function createTopic(placement: Placement = {}): Promise<{ name: string; arn: string }> {
  const name = uniqueName('topic');
  const { TopicArn } = await new SNSClient(config(placement)).send(new CreateTopicCommand({ Name: name }));
  return { name, arn: TopicArn! };
}

export async function createQueue(placement: Placement = {}): Promise<{ name: string; url: string }> {
  const name = uniqueName('queue');
  const { QueueUrl } = await new SQSClient(config(placement)).send(new CreateQueueCommand({ QueueName: name }));
  return { name, url: QueueUrl! };
}

/** A Kinesis client over HTTP/1.1: the SDK's would use HTTP/2, which moto does not speak. */
export const kinesisClient = (region: string = aws.regions[0]) => new KinesisClient({ ...config({ region }), requestHandler: new NodeHttpHandler() });

export async function createStream(region: string = aws.regions[0], shardCount = 1): Promise<{ name: string; arn: string }> {
  const name = uniqueName('stream');
  await kinesisClient(region).send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return { name, arn: `arn:aws:kinesis:${region}:${aws.accounts[0]}:stream/${name}` };
}

/** A delivery stream into S3 (moto does not need the bucket until records are put). */
export async function createDeliveryStream(placement: Placement = {}, name = uniqueName('delivery')): Promise<{ name: string; arn: string }> {
  const { DeliveryStreamARN } = await new FirehoseClient(config(placement)).send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${uniqueName('delivered')}`,
        RoleARN: `arn:aws:iam::${aws.accounts[0]}:role/firehose-delivery`,
      },
    }),
  );
  return { name, arn: DeliveryStreamARN! };
}

/** OpenSearch domain names are 3 to 28 characters. */
export async function createDomain(placement: Placement = {}): Promise<{ name: string; endpoint: string }> {
  const name = uniqueName('dom');
  const { DomainStatus } = await new OpenSearchClient(config(placement)).send(new CreateDomainCommand({ DomainName: name }));
  return { name, endpoint: DomainStatus!.Endpoint! };
}

/** A function with a published version 1. */
export async function createFunction(placement: Placement = {}): Promise<{ name: string; arn: string }> {
  const { Role } = await new IAMClient(config(placement)).send(
    new CreateRoleCommand({ RoleName: uniqueName('function-role'), AssumeRolePolicyDocument: '{}' }),
  );
  const name = uniqueName('function');
  const lambda = new LambdaClient(config(placement));
  const { FunctionArn } = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: zipSync({ 'index.js': strToU8('exports.handler = async () => {};') }) },
    }),
  );
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  return { name, arn: FunctionArn! };
}

/** ElastiCache ids start with a letter and have at most 40 characters. */
function cacheId(): string {
  return uniqueName('cache');
}

export async function createReplicationGroup(
  options: { transitEncryption?: boolean; clusterMode?: boolean } = {},
): Promise<{ id: string; primaryEndpoint: string }> {
  const id = cacheId();
  const { ReplicationGroup } = await new ElastiCacheClient(config({})).send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: id,
      ReplicationGroupDescription: 'a fanout destination',
      TransitEncryptionEnabled: options.transitEncryption ?? false,
      ...(options.clusterMode ? { ClusterMode: 'enabled', NumNodeGroups: 2 } : {}),
    }),
  );
  const primary = ReplicationGroup!.NodeGroups?.[0]?.PrimaryEndpoint;
  return { id, primaryEndpoint: primary ? `${primary.Address}:${primary.Port}` : '' };
}

export async function createCacheCluster(engine: 'redis' | 'memcached', replicationGroupId?: string): Promise<string> {
  const id = cacheId();
  await new ElastiCacheClient(config({})).send(
    new CreateCacheClusterCommand({
      CacheClusterId: id,
      Engine: engine,
      CacheNodeType: 'cache.t3.micro',
      NumCacheNodes: engine === 'memcached' ? 2 : 1,
      ...(replicationGroupId ? { ReplicationGroupId: replicationGroupId } : {}),
    }),
  );
  return id;
}

/** A role of the second account, and that account's credentials to create resources in it. */
export async function secondAccount(): Promise<{ role: string; credentials: AwsCredentials }> {
  const credentials = await credentialsForAccount(aws, aws.accounts[1]);
  const { Role } = await new IAMClient(config({ credentials })).send(
    new CreateRoleCommand({
      RoleName: uniqueName('fanout-destination'),
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${aws.accounts[0]}:root` }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  return { role: Role!.Arn!, credentials };
}
