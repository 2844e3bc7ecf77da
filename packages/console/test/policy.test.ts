import { CreateDomainCommand, OpenSearchClient, type CreateDomainCommandInput } from '@aws-sdk/client-opensearch';
import { validateTargetRow, type TargetConfig, type TargetRowInput } from '@fanout/runtime/config';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureRole, ensureTable } from '../src/aws/deployment.js';
import { deploymentOf, type Deployment } from '../src/aws/names.js';
import { fanoutPolicy, syncPolicy, type FunctionScope, type PolicyDocument, type PolicyStatement } from '../src/app/policy.js';
import { TargetsTable } from '../src/aws/targets-table.js';
import type { AwsContext } from '../src/context.js';
import { appContext } from './support/app.js';
import { aws, fanoutConsole } from './support/console.js';
import { rolePolicy } from './support/deployment.js';

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

/** OpenSearch domains by the host of an endpoint that does not name its domain: host -> the domain's ARN, with `/*`. */
type DomainsByHost = ReadonlyMap<string, string>;

/** The statements beyond the three every function gets (table, logs, metrics); `domains` as syncPolicy's lookup would find them. */
function grantsFor(targets: TargetConfig[], mappings: Parameters<typeof fanoutPolicy>[0]['mappings'] = [], domains?: DomainsByHost): PolicyStatement[] {
  return fanoutPolicy({ scope, mappings, targets, ...(domains ? { found: { es: domains } } : {}) }).Statement.slice(3);
}

/** The whole policy of a function with no hooks: what every function gets (the first test), then these statements. */
function policyOf(functionScope: FunctionScope, statements: PolicyStatement[] = []): PolicyDocument {
  const base = fanoutPolicy({ scope: functionScope, mappings: [], targets: [] });
  return { ...base, Statement: [...base.Statement, ...statements] };
}

const postTo = (resources: string[]): PolicyStatement => ({ Sid: 'PostToOpenSearchDomains', Effect: 'Allow', Action: ['es:ESHttpPost'], Resource: resources });

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

  it('lets Lambda read through a hook\'s enhanced fan-out consumer: the stream as for any hook, and subscribing on the consumer', () => {
    const consumerArn = `${KINESIS_SOURCE}/consumer/copy:1767225600`;
    expect(grantsFor([], [{ sourceArn: KINESIS_SOURCE, consumerArn }])).toEqual([
      {
        Sid: 'ReadKinesisSources',
        Effect: 'Allow',
        Action: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards'],
        Resource: [KINESIS_SOURCE],
      },
      { Sid: 'ListKinesisStreams', Effect: 'Allow', Action: ['kinesis:ListStreams'], Resource: ['*'] },
      { Sid: 'ReadKinesisConsumers', Effect: 'Allow', Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'], Resource: [consumerArn] },
    ]);
  });

  // the runtime reads the stream's maximum record size (DescribeStreamSummary) to pack its records
  const putToStream = ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary'];
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
    ['a Kinesis stream by name', { type: 'kinesis', destination: 'archive' }, putToStream, 'arn:aws:kinesis:us-east-1:123456789012:stream/archive'],
    [
      'a Kinesis stream by name in the target\'s region',
      { type: 'kinesis', destination: 'archive', region: 'eu-west-1' },
      putToStream,
      'arn:aws:kinesis:eu-west-1:123456789012:stream/archive',
    ],
    [
      'a Kinesis stream by ARN',
      { type: 'kinesis', destination: 'arn:aws:kinesis:eu-west-1:210987654321:stream/archive' },
      putToStream,
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
    [
      'an OpenSearch Serverless collection, named by its endpoint',
      { type: 'es', destination: 'https://abc123def456.eu-west-1.aoss.amazonaws.com#events' },
      ['aoss:APIAccessAll'],
      'arn:aws:aoss:eu-west-1:123456789012:collection/abc123def456',
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

  describe('an OpenSearch domain behind an endpoint that does not name it (custom, VPC, dual-stack)', () => {
    const myLogs = 'arn:aws:es:eu-west-1:123456789012:domain/my-logs/*';
    const domains: DomainsByHost = new Map([
      ['search.example.com', myLogs],
      ['vpc-my-logs.eu-west-1.example.internal', myLogs],
      ['logs.example.org', 'arn:aws:es:us-east-1:123456789012:domain/other/*'],
    ]);

    it('is granted on the resource the lookup found for its host, whatever the scheme, port, path and case', () => {
      expect(grantsFor([target({ id: 'e', type: 'es', destination: 'Search.Example.com:443/#events' })], [], domains)).toEqual([postTo([myLogs])]);
      expect(
        grantsFor(
          [
            target({ id: 'a', type: 'es', destination: 'https://search.example.com#events' }),
            target({ id: 'b', type: 'es', destination: 'https://vpc-my-logs.eu-west-1.example.internal/#events' }),
            target({ id: 'c', type: 'es', destination: 'https://logs.example.org#events' }),
          ],
          [],
          domains,
        ),
      ).toEqual([postTo([myLogs, 'arn:aws:es:us-east-1:123456789012:domain/other/*'])]);
    });

    it('gets nothing when the lookup found no domain for its host (a self-managed OpenSearch)', () => {
      expect(grantsFor([target({ id: 'e', type: 'es', destination: 'https://search.example.net#events' })], [], domains)).toEqual([]);
    });

    it('a target with a role assumes it instead, even on a host the lookup found', () => {
      const role = 'arn:aws:iam::210987654321:role/fanout-writer';
      expect(grantsFor([target({ id: 'e', type: 'es', destination: 'https://search.example.com#events', role })], [], domains)).toEqual([
        { Sid: 'AssumeTargetRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [role] },
      ]);
    });
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

describe('the function\'s progress table and failure stores', () => {
  const progressTableArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/fanoutProgress';
  const bucket = 'arn:aws:s3:::fanout-failures-123456789012-us-east-1';
  const withStores: FunctionScope = { ...scope, progressTableArn, failureStore: bucket };
  const statement = (statements: PolicyStatement[], sid: string) => statements.find((found) => found.Sid === sid);

  it('keeps progress and state in the progress table: the item reads and writes the runtime makes, on that table only', () => {
    const [, trackProgress] = fanoutPolicy({ scope: withStores, mappings: [], targets: [] }).Statement;
    expect(trackProgress).toEqual({
      Sid: 'TrackProgress',
      Effect: 'Allow',
      Action: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: [progressTableArn],
    });
  });

  it('writes to the function\'s bucket under failures/ only', () => {
    const { Statement } = fanoutPolicy({ scope: withStores, mappings: [], targets: [] });
    expect(statement(Statement, 'StoreFailuresInBuckets')).toEqual({ Sid: 'StoreFailuresInBuckets', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${bucket}/failures/*`] });
    // nothing to read or delete there: redrive runs with the console's credentials, not the function's
    expect(Statement.flatMap((found) => found.Action).filter((action) => action.startsWith('s3:'))).toEqual(['s3:PutObject']);
  });

  it('gets no progress or store grant for a function deployed before it had them', () => {
    expect(fanoutPolicy({ scope, mappings: [], targets: [] }).Statement.map((found) => found.Sid)).toEqual(['ReadTargets', 'WriteLogs', 'PutMetrics']);
  });

  it('writes to each valid target\'s own store: a queue, a topic or a bucket', () => {
    const queue = 'arn:aws:sqs:eu-west-1:210987654321:billing-failures';
    const topic = 'arn:aws:sns:us-east-1:123456789012:failures';
    const own = 'arn:aws:s3:::billing-failures';
    const https = { type: 'http', destination: 'https://example.com/ingest' } as const;
    const { Statement } = fanoutPolicy({
      scope: withStores,
      mappings: [],
      targets: [target({ id: 'a', ...https, onFailure: queue }), target({ id: 'b', ...https, onFailure: topic }), target({ id: 'c', ...https, onFailure: own })],
    });
    // a queue is found by its name before the function sends to it
    expect(statement(Statement, 'StoreFailuresInQueues')).toEqual({ Sid: 'StoreFailuresInQueues', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: [queue] });
    expect(statement(Statement, 'PublishToTopics')).toEqual({ Sid: 'PublishToTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] });
    expect(statement(Statement, 'StoreFailuresInBuckets')!.Resource).toEqual([`${own}/failures/*`, `${bucket}/failures/*`]);
  });

  it('gives a queue or topic store as the function\'s default the same grants, merged with the targets\' sends', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:alerts';
    const store = 'arn:aws:sqs:us-east-1:123456789012:fanout-failures';
    const statements = grantsFor([target({ id: 't', type: 'sns', destination: topic, onFailure: topic })], []);
    expect(statements).toEqual([{ Sid: 'PublishToTopics', Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] }]);
    const { Statement } = fanoutPolicy({ scope: { ...scope, failureStore: store }, mappings: [], targets: [] });
    expect(Statement.slice(3)).toEqual([{ Sid: 'StoreFailuresInQueues', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: [store] }]);
  });
});

/*
 * syncPolicy against the test bed's moto: es targets whose host is not of AWS's
 * search-NAME-ID.REGION.es.amazonaws.com form have their domain looked up. moto's domains answer on
 * NAME.REGION.es.amazonaws.com (Endpoint, or Endpoints.vpc in a VPC), and moto keeps the
 * DomainEndpointOptions it is given, custom endpoint included.
 */
describe('syncPolicy finds the OpenSearch domain behind an es target\'s endpoint', () => {
  const [home, otherRegion] = aws.regions;
  const [account] = aws.accounts;
  const { opensearch } = inject('testbed');
  const context = appContext();
  const sourceArn = `arn:aws:kinesis:${home}:${account}:stream/${uniqueName('orders')}`;

  interface Domain {
    name: string;
    /** The ARN as moto reports it. */
    arn: string;
    /** Endpoint, else Endpoints.vpc. */
    endpoint: string;
  }

  async function createDomain(region: string, options: Omit<CreateDomainCommandInput, 'DomainName'> = {}): Promise<Domain> {
    const name = uniqueName('dom');
    const { DomainStatus } = await new OpenSearchClient(awsClientConfig(aws, { region })).send(new CreateDomainCommand({ DomainName: name, ...options }));
    return { name, arn: DomainStatus!.ARN!, endpoint: DomainStatus!.Endpoint ?? DomainStatus!.Endpoints!.vpc! };
  }

  const customEndpoint = (enabled: boolean) => ({ DomainEndpointOptions: { CustomEndpointEnabled: enabled, CustomEndpoint: `${uniqueName('search')}.example.com` } });

  let plain: Domain;
  let inVpc: Domain;
  let custom: Domain & { host: string };
  let customDisabled: Domain & { host: string };
  let elsewhere: Domain;

  beforeAll(async () => {
    // five domains before the ones looked up, so that they cannot all be in the first DescribeDomains call
    await Promise.all([1, 2, 3, 4, 5].map(() => createDomain(home)));
    const enabled = customEndpoint(true);
    const disabled = customEndpoint(false);
    [plain, inVpc, custom, customDisabled, elsewhere] = await Promise.all([
      createDomain(home),
      createDomain(home, { VPCOptions: { SubnetIds: ['subnet-0a1b2c3d'], SecurityGroupIds: ['sg-0a1b2c3d'] } }),
      createDomain(home, enabled).then((domain) => ({ ...domain, host: enabled.DomainEndpointOptions.CustomEndpoint })),
      createDomain(home, disabled).then((domain) => ({ ...domain, host: disabled.DomainEndpointOptions.CustomEndpoint })),
      createDomain(otherRegion),
    ]);
  });

  /** A role and a targets table (no function: the policy goes to the deployment's role). */
  async function freshDeployment(): Promise<{ deployment: Deployment; scope: FunctionScope }> {
    const deployment = deploymentOf({ function: uniqueName('policy') });
    const [, table] = await Promise.all([ensureRole(context, deployment.roleName), ensureTable(context, deployment.tableName)]);
    const functionScope = { partition: 'aws', region: home, accountId: account, functionName: deployment.functionName, tableArn: table.arn!, inVpc: false };
    return { deployment, scope: functionScope };
  }

  /** Registers an es target with the console, as a script would; the console rewrites the policy. */
  async function register(deployment: Deployment, id: string, destination: string, flags: string[] = []): Promise<void> {
    const args = ['register', 'es', '--function', deployment.functionName, '--source-arn', sourceArn, '--id', id, '--destination', destination, '--index', 'events'];
    const result = await fanoutConsole([...args, ...flags]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  }

  it('grants the domain of a target registered by its moto endpoint, on the ARN moto reports', async () => {
    const { deployment, scope: functionScope } = await freshDeployment();
    await register(deployment, 'by-endpoint', `https://${plain.endpoint}`);
    await register(deployment, 'by-name', plain.name);
    expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope, [postTo([`${plain.arn}/*`])]));
  });

  it('grants the domain of a VPC domain\'s endpoint (Endpoints.vpc)', async () => {
    const { deployment, scope: functionScope } = await freshDeployment();
    await register(deployment, 'in-vpc', `https://${inVpc.endpoint}`);
    expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope, [postTo([`${inVpc.arn}/*`])]));
  });

  it('grants the domain of an enabled custom endpoint, and nothing for a custom endpoint that is not enabled', async () => {
    const { deployment, scope: functionScope } = await freshDeployment();
    await register(deployment, 'custom', `https://${custom.host}`);
    await register(deployment, 'custom-disabled', `https://${customDisabled.host}`);
    expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope, [postTo([`${custom.arn}/*`])]));
  });

  it('looks the domain up in the target\'s region (--destination-region)', async () => {
    const { deployment, scope: functionScope } = await freshDeployment();
    await register(deployment, 'elsewhere', elsewhere.name, ['--destination-region', otherRegion]);
    expect(elsewhere.arn).toContain(`:es:${otherRegion}:`);
    expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope, [postTo([`${elsewhere.arn}/*`])]));
  });

  it('grants nothing for the test bed\'s own OpenSearch node: it is no domain of the service', async () => {
    const { deployment, scope: functionScope } = await freshDeployment();
    await register(deployment, 'local-node', opensearch.endpoint);
    expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope));
  });

  describe('the calls it makes', () => {
    interface Call {
      command: string;
      region: string;
      names?: string[];
    }

    /** A session of its own whose OpenSearch clients (the ones syncPolicy gets from it) note every call. */
    function observedContext(calls: Call[]): AwsContext {
      const observed = appContext();
      for (const region of aws.regions) {
        observed.aws.client(OpenSearchClient, { region }).middlewareStack.add(
          (next, { commandName }) =>
            (args) => {
              const { DomainNames } = args.input as { DomainNames?: unknown };
              calls.push({ command: commandName as string, region, ...(Array.isArray(DomainNames) ? { names: DomainNames as string[] } : {}) });
              return next(args);
            },
          { step: 'initialize' },
        );
      }
      return observed;
    }

    async function writeRows(deployment: Deployment, rows: Array<Omit<TargetRowInput, 'sourceArn' | 'active'>>): Promise<void> {
      const table = new TargetsTable(context, deployment.tableName);
      for (const row of rows) await table.create(target(row));
    }

    it('lists each region\'s domains once per call, describes at most 5 a call, and each domain once', async () => {
      const { deployment, scope: functionScope } = await freshDeployment();
      await writeRows(deployment, [
        { id: 'plain', type: 'es', destination: `https://${plain.endpoint}#events` },
        { id: 'custom', type: 'es', destination: `https://${custom.host}#events` },
        { id: 'local-node', type: 'es', destination: `${opensearch.endpoint}#events` },
        { id: 'elsewhere', type: 'es', destination: `https://${elsewhere.endpoint}#events`, region: otherRegion },
      ]);
      const calls: Call[] = [];
      expect(await syncPolicy(observedContext(calls), deployment)).toBe('created');
      expect(await rolePolicy(deployment.roleName)).toEqual(policyOf(functionScope, [postTo([`${custom.arn}/*`, `${elsewhere.arn}/*`, `${plain.arn}/*`].sort())]));

      for (const region of aws.regions) {
        const inRegion = calls.filter((call) => call.region === region);
        expect(inRegion[0]!.command, region).toBe('ListDomainNamesCommand');
        expect(inRegion.slice(1).every((call) => call.command === 'DescribeDomainsCommand'), region).toBe(true);
        const described = inRegion.flatMap((call) => call.names ?? []);
        expect(new Set(described).size, region).toBe(described.length);
        for (const call of inRegion.slice(1)) expect(call.names!.length).toBeLessThanOrEqual(5);
      }
      // the home region's domains looked up come after five others
      expect(calls.filter((call) => call.region === home && call.command === 'DescribeDomainsCommand').length).toBeGreaterThanOrEqual(2);
    });

    it('looks nothing up when no es target needs it: AWS-form endpoints, targets with a role, other types', async () => {
      const { deployment, scope: functionScope } = await freshDeployment();
      const role = `arn:aws:iam::${account}:role/fanout-writer`;
      await writeRows(deployment, [
        { id: 'aws-form', type: 'es', destination: `https://search-${plain.name}-a1b2c3d4e5.${home}.es.amazonaws.com#events` },
        { id: 'with-role', type: 'es', destination: `https://${custom.host}#events`, role },
        { id: 'http', type: 'http', destination: 'https://example.com/ingest' },
      ]);
      const calls: Call[] = [];
      await syncPolicy(observedContext(calls), deployment);
      expect(calls).toEqual([]);
      expect(await rolePolicy(deployment.roleName)).toEqual(
        policyOf(functionScope, [
          { Sid: 'AssumeTargetRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [role] },
          postTo([`arn:aws:es:${home}:${account}:domain/${plain.name}/*`]),
        ]),
      );
    });
  });
});
