import { validateTargetRow, type TargetConfig, type TargetRowInput } from '@fanout/runtime/config';
import { describe, expect, it } from 'vitest';
import { fanoutPolicy, type FunctionScope, type PolicyStatement } from '../src/aws/policy.js';

const scope: FunctionScope = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '123456789012',
  functionName: 'fanout',
  tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/fanoutTargets',
  inVpc: false,
};
const KINESIS_SOURCE = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
const DYNAMODB_SOURCE = 'arn:aws:dynamodb:us-east-1:123456789012:table/users/stream/2026-01-01T00:00:00.000';

function target(row: Omit<TargetRowInput, 'sourceArn' | 'active'>): TargetConfig {
  const validation = validateTargetRow({ sourceArn: KINESIS_SOURCE, active: true, ...row });
  if (!validation.ok) throw new Error(validation.problems.join('; '));
  return validation.target;
}

/** The statements beyond the three every function gets (table, logs, metrics). */
function grantsFor(targets: TargetConfig[], mappings: Parameters<typeof fanoutPolicy>[0]['mappings'] = []): PolicyStatement[] {
  return fanoutPolicy({ scope, mappings, targets }).Statement.slice(3);
}

describe('the function\'s policy', () => {
  it('always reads its table, writes its own log group and puts metrics in Custom/FanOut only', () => {
    expect(fanoutPolicy({ scope, mappings: [], targets: [] })).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadTargets', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: [scope.tableArn] },
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fanout', 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fanout:*'],
        },
        {
          Sid: 'PutMetrics',
          Effect: 'Allow',
          Action: ['cloudwatch:PutMetricData'],
          Resource: ['*'],
          Condition: { StringEquals: { 'cloudwatch:namespace': 'Custom/FanOut' } },
        },
      ],
    });
  });

  it('reads exactly the hooked streams, Kinesis and DynamoDB apart, and lists streams only when it reads some', () => {
    expect(grantsFor([], [{ sourceArn: KINESIS_SOURCE }, { sourceArn: DYNAMODB_SOURCE }])).toEqual([
      {
        Sid: 'ReadKinesisSources',
        Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Resource: [KINESIS_SOURCE],
      },
      { Sid: 'ListKinesisStreams', Effect: 'Allow', Action: ['kinesis:ListStreams'], Resource: ['*'] },
      {
        Sid: 'ReadDynamoDBSources',
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: [DYNAMODB_SOURCE],
      },
      { Sid: 'ListDynamoDBStreams', Effect: 'Allow', Action: ['dynamodb:ListStreams'], Resource: ['*'] },
    ]);
    expect(grantsFor([], [{ sourceArn: DYNAMODB_SOURCE }]).map((statement) => statement.Sid)).toEqual(['ReadDynamoDBSources', 'ListDynamoDBStreams']);
  });

  it.each<[string, Omit<TargetRowInput, 'sourceArn' | 'active' | 'id'>, string[], string]>([
    ['an SNS topic', { type: 'sns', destination: 'arn:aws:sns:eu-west-1:210987654321:alerts' }, ['sns:Publish'], 'arn:aws:sns:eu-west-1:210987654321:alerts'],
    [
      'an SQS queue, by the ARN of its URL',
      { type: 'sqs', destination: 'https://sqs.eu-west-1.amazonaws.com/210987654321/copies.fifo' },
      ['sqs:SendMessage'],
      'arn:aws:sqs:eu-west-1:210987654321:copies.fifo',
    ],
    [
      'an SQS queue on a local endpoint, in the target\'s region',
      { type: 'sqs', destination: 'http://127.0.0.1:5000/123456789012/copies', region: 'eu-west-1' },
      ['sqs:SendMessage'],
      'arn:aws:sqs:eu-west-1:123456789012:copies',
    ],
    ['a Kinesis stream by name', { type: 'kinesis', destination: 'archive' }, ['kinesis:PutRecord', 'kinesis:PutRecords'], 'arn:aws:kinesis:us-east-1:123456789012:stream/archive'],
    [
      'a Kinesis stream by name in the target\'s region',
      { type: 'kinesis', destination: 'archive', region: 'eu-west-1' },
      ['kinesis:PutRecord', 'kinesis:PutRecords'],
      'arn:aws:kinesis:eu-west-1:123456789012:stream/archive',
    ],
    [
      'a Kinesis stream by ARN',
      { type: 'kinesis', destination: 'arn:aws:kinesis:eu-west-1:210987654321:stream/archive' },
      ['kinesis:PutRecord', 'kinesis:PutRecords'],
      'arn:aws:kinesis:eu-west-1:210987654321:stream/archive',
    ],
    ['a Firehose delivery stream by name', { type: 'firehose', destination: 'to-s3' }, ['firehose:PutRecordBatch'], 'arn:aws:firehose:us-east-1:123456789012:deliverystream/to-s3'],
    ['a Lambda function by name', { type: 'lambda', destination: 'audit' }, ['lambda:InvokeFunction'], 'arn:aws:lambda:us-east-1:123456789012:function:audit'],
    [
      'a Lambda function alias by ARN',
      { type: 'lambda', destination: 'arn:aws:lambda:eu-west-1:210987654321:function:audit:live' },
      ['lambda:InvokeFunction'],
      'arn:aws:lambda:eu-west-1:210987654321:function:audit:live',
    ],
    [
      'a Lambda function by partial ARN',
      { type: 'lambda', destination: '210987654321:function:audit' },
      ['lambda:InvokeFunction'],
      'arn:aws:lambda:us-east-1:210987654321:function:audit',
    ],
    [
      'an IoT topic, in the endpoint\'s region',
      { type: 'iot', destination: 'abc123-ats.iot.eu-west-1.amazonaws.com#fleet/positions' },
      ['iot:Publish'],
      'arn:aws:iot:eu-west-1:123456789012:topic/fleet/positions',
    ],
    [
      'an OpenSearch domain, named by its endpoint',
      { type: 'es', destination: 'https://search-my-logs-abc123xyz.eu-west-1.es.amazonaws.com#events' },
      ['es:ESHttpPost'],
      'arn:aws:es:eu-west-1:123456789012:domain/my-logs/*',
    ],
  ])('sends to %s: exactly its send action on exactly its resource', (_name, row, actions, resource) => {
    expect(grantsFor([target({ id: 't', ...row })])).toEqual([{ Sid: expect.any(String), Effect: 'Allow', Action: actions, Resource: [resource] }]);
  });

  it('grants nothing for Redis, Memcached, HTTP and OpenSearch endpoints outside AWS', () => {
    expect(
      grantsFor([
        target({ id: 'r', type: 'redis', destination: 'cache.example.com:6379' }),
        target({ id: 'm', type: 'memcached', destination: 'cache.example.com:11211' }),
        target({ id: 'h', type: 'http', destination: 'https://example.com/ingest' }),
        target({ id: 'e', type: 'es', destination: 'https://search.example.com:9200#events' }),
      ]),
    ).toEqual([]);
  });

  it('assumes the role of a target that names one, instead of sending to its destination', () => {
    const role = 'arn:aws:iam::210987654321:role/fanout-writer';
    expect(grantsFor([target({ id: 't', type: 'sns', destination: 'arn:aws:sns:us-east-1:210987654321:alerts', role, externalId: 'abc123' })])).toEqual([
      { Sid: 'AssumeTargetRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [role] },
    ]);
  });

  it('merges targets of one kind into one statement, each resource once, sorted', () => {
    const topic = (name: string) => `arn:aws:sns:us-east-1:123456789012:${name}`;
    expect(
      grantsFor([
        target({ id: 'a', type: 'sns', destination: topic('b') }),
        target({ id: 'b', type: 'sns', destination: topic('a') }),
        target({ id: 'c', type: 'sns', destination: topic('b') }),
      ]),
    ).toEqual([{ Sid: 'PublishToTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic('a'), topic('b')] }]);
  });

  it('lets Lambda send failed batches to a mapping\'s on-failure queue or topic', () => {
    const queue = 'arn:aws:sqs:us-east-1:123456789012:failed-batches';
    const statements = grantsFor([], [{ sourceArn: KINESIS_SOURCE, onFailureDestination: queue }]);
    expect(statements.at(-1)).toEqual({ Sid: 'SendToQueues', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queue] });
  });

  it('manages network interfaces only when the function runs in a VPC', () => {
    const inVpc = fanoutPolicy({ scope: { ...scope, inVpc: true }, mappings: [], targets: [] }).Statement.at(-1)!;
    expect(inVpc.Sid).toBe('UseVpcNetworkInterfaces');
    expect(inVpc.Action).toContain('ec2:CreateNetworkInterface');
    expect(fanoutPolicy({ scope, mappings: [], targets: [] }).Statement.map((statement) => statement.Sid)).not.toContain('UseVpcNetworkInterfaces');
  });
});
