import { ListEventSourceMappingsCommand, type EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { DescribeDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, uniqueName } from '@fanout/testbed';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { PolicyDocument } from '../src/app/policy.js';
import { aws, fanoutConsole, type ConsoleRun } from './support/console.js';
import {
  createDeliveryStream,
  createDomain,
  createFunction,
  createQueue,
  createReplicationGroup,
  createStream,
  createTopic,
} from './support/destination-resources.js';
import { bucketExists, functionConfiguration, lambda, mappingsOf, role, rolePolicy, table, useFreshRuntimeZip } from './support/deployment.js';
import { createSourceTable } from './support/sources.js';
import { tableRows } from './support/state.js';

/*
 * One deployment's whole life, driven as a script drives it (--yes, no terminal), with the state
 * in AWS checked after every step: deploy (role, tables, failure store, function), register a target of every type, list, the role's
 * policy, update/deactivate/activate, hook/pause/resume/unhook, unregister, destroy.
 */

useFreshRuntimeZip();
const [region] = aws.regions;
const [account] = aws.accounts;
const { memcached, http } = inject('testbed');

const functionName = uniqueName('lifecycle');
const roleName = `${functionName}Role`;
const tableName = `${functionName}Targets`;
const functionArn = `arn:aws:lambda:${region}:${account}:function:${functionName}`;
const tableArn = `arn:aws:dynamodb:${region}:${account}:table/${tableName}`;
const roleArn = `arn:aws:iam::${account}:role/${roleName}`;
const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${functionName}`;
const progressTableName = `${functionName}Progress`;
const progressTableArn = `arn:aws:dynamodb:${region}:${account}:table/${progressTableName}`;
const bucket = `${functionName}-failures-${account}-${region}`;
/** What every deployment's policy grants on its progress table and its failure store. */
const isolationGrants = { TrackProgress: [progressTableArn], StoreFailuresInBuckets: [`arn:aws:s3:::${bucket}/failures/*`] };
const deployment = ['--function', functionName];

/** Runs the console as a script would (--yes first), and requires it to succeed quietly. */
async function script(args: string[]): Promise<ConsoleRun> {
  const result = await fanoutConsole(['--yes', ...args]);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return result;
}

/** The queue's ARN as SQS itself reports it (not derived from the URL as the console does). */
async function queueArn(queueUrl: string): Promise<string> {
  const sqs = new SQSClient(awsClientConfig(aws));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes!.QueueArn!;
}

async function domainArn(domainName: string): Promise<string> {
  const { DomainStatus } = await new OpenSearchClient(awsClientConfig(aws)).send(new DescribeDomainCommand({ DomainName: domainName }));
  return DomainStatus!.ARN!;
}

/** Every mapping of a stream that goes to this test's function. */
async function mappingsOfSource(sourceArn: string): Promise<EventSourceMappingConfiguration[]> {
  const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: sourceArn }));
  return (EventSourceMappings ?? []).filter((mapping) => mapping.FunctionArn === functionArn);
}

/** The policy as Sid -> resources, for exact comparison: a missing or extra resource anywhere shows. */
function resourcesBySid(policy: PolicyDocument | undefined): Record<string, string[]> {
  expect(policy).toBeDefined();
  return Object.fromEntries(policy!.Statement.map((statement) => [statement.Sid, statement.Resource]));
}

/** Sorted as the console sorts a statement's resources. */
const sorted = (values: string[]) => [...new Set(values)].sort();

// the sources
let kinesisSource: { name: string; arn: string };
let dynamodbSource: { name: string; streamArn: string };
// the destinations: some given to register by name, some by ARN, URL or endpoint
let topicByName: { name: string; arn: string };
let topicByArn: { name: string; arn: string };
let queueByName: { name: string; url: string };
let queueByUrl: { name: string; url: string };
let streamByName: { name: string; arn: string };
let streamByArn: { name: string; arn: string };
let deliveryStream: { name: string; arn: string };
let domain: { name: string; endpoint: string };
let functionByName: { name: string; arn: string };
let functionByArn: { name: string; arn: string };
let replicationGroup: { id: string; primaryEndpoint: string };
const iotTopic = `fanout/${uniqueName('orders')}`;
const httpUrl = `${http.endpoint}/${uniqueName('hook')}`;

/*
 * The same domain's endpoint in the form AWS gives it (search-NAME-ID.REGION.es.amazonaws.com), from
 * which the console names the domain in the policy without a lookup. moto gives its domains
 * NAME.REGION.es.amazonaws.com, a form no AWS domain has: for the target registered by domain name,
 * the console finds the domain by that endpoint (ListDomainNames, DescribeDomains).
 */
const awsFormEndpoint = () => `https://search-${domain.name}-a1b2c3d4e5f6g7h8i9j0k1l2m3.${region}.es.amazonaws.com`;

type SourceName = 'kinesis' | 'dynamodb';

interface Registration {
  id: string;
  type: string;
  source: SourceName;
  /** --destination and any other flags of register. */
  flags: () => string[];
  /** What the row must store: the destination resolved (a matcher where moto makes up part of it). */
  destination: () => unknown;
  active?: boolean;
  convertDDB?: boolean;
  /** sns, sqs, iot and http rows get collapse JSON by default. */
  collapsible?: boolean;
}

const sourceArnOf = (source: SourceName) => (source === 'kinesis' ? kinesisSource.arn : dynamodbSource.streamArn);
const sourceFlags = (source: SourceName) =>
  source === 'kinesis' ? ['--source-type', 'kinesis', '--source', kinesisSource.name] : ['--source-type', 'dynamodb', '--source', dynamodbSource.name];

/*
 * One target of every type. On the Kinesis source, destinations given by name (or bare topic, or
 * ElastiCache id), which the console looks up; on the DynamoDB source, destinations given as
 * stored (ARN, URL, endpoint, host:port), which it checks (where AWS can tell) and keeps. sns, sqs,
 * es, kinesis and lambda come in both forms.
 */
const REGISTRATIONS: Registration[] = [
  { id: 'topic-by-name', type: 'sns', source: 'kinesis', flags: () => ['--destination', topicByName.name], destination: () => topicByName.arn, collapsible: true },
  {
    id: 'queue-by-name',
    type: 'sqs',
    source: 'kinesis',
    flags: () => ['--destination', queueByName.name, '--active'],
    destination: () => queueByName.url,
    active: true,
    collapsible: true,
  },
  {
    id: 'search-by-domain',
    type: 'es',
    source: 'kinesis',
    flags: () => ['--destination', domain.name, '--index', 'orders'],
    destination: () => `https://${domain.endpoint}#orders`,
  },
  { id: 'stream-by-name', type: 'kinesis', source: 'kinesis', flags: () => ['--destination', streamByName.name], destination: () => streamByName.arn },
  { id: 'delivery-by-name', type: 'firehose', source: 'kinesis', flags: () => ['--destination', deliveryStream.name], destination: () => deliveryStream.arn },
  {
    id: 'iot-topic',
    type: 'iot',
    source: 'kinesis',
    flags: () => ['--destination', iotTopic],
    // moto makes up a new data endpoint on every DescribeEndpoint: only its form can be known beforehand
    destination: () => expect.stringMatching(new RegExp(`^[a-z0-9]+-ats\\.iot\\.${region}\\.amazonaws\\.com#${iotTopic}$`)),
    collapsible: true,
  },
  { id: 'function-by-name', type: 'lambda', source: 'kinesis', flags: () => ['--destination', functionByName.name], destination: () => functionByName.arn },
  { id: 'redis-by-group', type: 'redis', source: 'kinesis', flags: () => ['--destination', replicationGroup.id], destination: () => replicationGroup.primaryEndpoint },
  {
    id: 'topic-by-arn',
    type: 'sns',
    source: 'dynamodb',
    flags: () => ['--destination', topicByArn.arn, '--convert-ddb'],
    destination: () => topicByArn.arn,
    convertDDB: true,
    collapsible: true,
  },
  { id: 'queue-by-url', type: 'sqs', source: 'dynamodb', flags: () => ['--destination', queueByUrl.url], destination: () => queueByUrl.url, collapsible: true },
  {
    id: 'search-by-endpoint',
    type: 'es',
    source: 'dynamodb',
    flags: () => ['--destination', awsFormEndpoint(), '--index', 'users'],
    destination: () => `${awsFormEndpoint()}#users`,
  },
  { id: 'stream-by-arn', type: 'kinesis', source: 'dynamodb', flags: () => ['--destination', streamByArn.arn], destination: () => streamByArn.arn },
  { id: 'function-by-arn', type: 'lambda', source: 'dynamodb', flags: () => ['--destination', functionByArn.arn], destination: () => functionByArn.arn },
  // by host:port: moto's DescribeCacheClusters returns no CacheNodes, so a memcached cluster id cannot be resolved to its nodes there
  { id: 'memcached-by-host', type: 'memcached', source: 'dynamodb', flags: () => ['--destination', memcached.servers], destination: () => memcached.servers },
  { id: 'http-endpoint', type: 'http', source: 'dynamodb', flags: () => ['--destination', httpUrl], destination: () => httpUrl, collapsible: true },
];

/** The row a registration must leave in the table. */
function expectedRow(registration: Registration): Record<string, unknown> {
  return {
    sourceArn: sourceArnOf(registration.source),
    id: registration.id,
    type: registration.type,
    destination: registration.destination(),
    active: registration.active ?? false,
    parallel: true,
    convertDDB: registration.convertDDB ?? false,
    deaggregate: false,
    ...(registration.collapsible ? { collapse: 'JSON' } : {}),
  };
}

/** The rows as the steps have left them, keyed by `sourceArn/id`, with the destinations actually stored. */
const rows = new Map<string, Record<string, unknown>>();
const key = (row: Record<string, unknown>) => `${String(row.sourceArn)}/${String(row.id)}`;
const rowOf = (id: string) => [...rows.values()].find((row) => row.id === id)!;
const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => key(a).localeCompare(key(b));

/** The table holds exactly the rows the steps so far have left. */
async function expectTableRows(): Promise<void> {
  expect(await tableRows(tableName)).toEqual([...rows.values()].sort(byKey));
}

/** The send statements (Sid -> resources) the registered targets need, as step 4 finds them; the later steps build on them. */
let sendGrants: Record<string, string[]>;
let queueByNameArn: string;
let queueByUrlArn: string;

beforeAll(async () => {
  [
    kinesisSource,
    dynamodbSource,
    topicByName,
    topicByArn,
    queueByName,
    queueByUrl,
    streamByName,
    streamByArn,
    deliveryStream,
    domain,
    functionByName,
    functionByArn,
    replicationGroup,
  ] = await Promise.all([
    createStream(),
    createSourceTable(),
    createTopic(),
    createTopic(),
    createQueue(),
    createQueue(),
    createStream(),
    createStream(),
    createDeliveryStream(),
    createDomain(),
    createFunction(),
    createFunction(),
    createReplicationGroup(),
  ] as const);
  [queueByNameArn, queueByUrlArn] = await Promise.all([queueArn(queueByName.url), queueArn(queueByUrl.url)]);
});

describe('a deployment\'s life cycle, scripted with --yes', () => {
  it('1. deploys the role, the tables, the failure store and the function; deploying again with new settings updates the function', async () => {
    const first = (await script(['--output', 'json', 'deploy', ...deployment])).json<{ functionArn: string; tableArn: string; roleArn: string }>();
    expect(first).toMatchObject({ functionArn, tableArn, roleArn });
    expect(await role(roleName)).toMatchObject({ RoleName: roleName, Arn: roleArn });
    expect(await table(tableName)).toMatchObject({ TableName: tableName, TableArn: tableArn, TableStatus: 'ACTIVE' });
    expect(await table(progressTableName)).toMatchObject({ TableArn: progressTableArn, TableStatus: 'ACTIVE' });
    expect(await bucketExists(bucket)).toBe(true);
    expect(await functionConfiguration(functionName)).toMatchObject({
      FunctionArn: functionArn,
      Role: roleArn,
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 30,
      Environment: { Variables: { TARGETS_TABLE: tableName, PROGRESS_TABLE: progressTableName, FAILURE_STORE: `arn:aws:s3:::${bucket}` } },
    });
    expect(await tableRows(tableName)).toEqual([]);

    const second = (await script(['--output', 'json', 'deploy', ...deployment, '--memory', '256', '--timeout', '60'])).json<{
      steps: Array<{ resource: string; outcome: string }>;
    }>();
    expect(second.steps.map((step) => [step.resource, step.outcome])).toEqual([
      ['role', 'unchanged'],
      ['table', 'unchanged'],
      ['progress-table', 'unchanged'],
      ['failure-store', 'unchanged'],
      ['function', 'updated'],
      ['policy', 'unchanged'],
    ]);
    expect(await functionConfiguration(functionName)).toMatchObject({
      Role: roleArn,
      MemorySize: 256,
      Timeout: 60,
      Environment: { Variables: { TARGETS_TABLE: tableName } },
    });
  });

  describe('2. registers one target of every type, by name and by ARN, URL or endpoint', () => {
    it('covers every target type, and sns, sqs, es, kinesis and lambda in both forms', () => {
      expect(new Set(REGISTRATIONS.map((registration) => registration.type))).toEqual(
        new Set(['sns', 'sqs', 'es', 'kinesis', 'firehose', 'iot', 'lambda', 'redis', 'memcached', 'http']),
      );
      for (const type of ['sns', 'sqs', 'es', 'kinesis', 'lambda']) {
        expect(REGISTRATIONS.filter((registration) => registration.type === type).map((registration) => registration.source).sort()).toEqual(['dynamodb', 'kinesis']);
      }
    });

    for (const registration of REGISTRATIONS) {
      it(`registers ${registration.type} target ${registration.id}: the row holds the resolved destination`, async () => {
        const result = await script(['--output', 'json', 'register', registration.type, ...deployment, ...sourceFlags(registration.source), '--id', registration.id, ...registration.flags()]);
        const expected = expectedRow(registration);
        expect(result.json()).toEqual(expected);
        const stored = (await tableRows(tableName)).find((row) => row.sourceArn === expected.sourceArn && row.id === registration.id);
        expect(stored).toEqual(expected);
        rows.set(key(stored!), stored!);
        await expectTableRows();
      });
    }
  });

  describe('3. lists the targets', () => {
    /** Checks a table printed for people: the header, then one line per row, each cell starting under its header. */
    function expectAlignedTable(text: string, columns: string[], cells: string[][]): void {
      const [header, ...lines] = text.split('\n');
      expect(header).toBe(header!.trimEnd());
      const starts = columns.map((column) => header!.indexOf(column.toUpperCase()));
      // each column is as wide as its widest cell (or its header), and two spaces apart from the next
      columns.slice(0, -1).forEach((column, index) => {
        const width = Math.max(column.length, ...cells.map((row) => row[index]!.length));
        expect(starts[index + 1]! - starts[index]!, `width of column ${column}`).toBe(width + 2);
      });
      expect(starts[0]).toBe(0);
      expect(lines).toHaveLength(cells.length);
      lines.forEach((line, row) => {
        expect(line).toBe(line.trimEnd());
        const printed = starts.map((start, index) => line.slice(start, index + 1 < starts.length ? starts[index + 1] : undefined).trimEnd());
        expect(printed, `line ${row + 1}: ${line}`).toEqual(cells[row]);
      });
    }

    const listedCells = (source: SourceName) =>
      [...rows.values()]
        .filter((row) => row.sourceArn === sourceArnOf(source))
        .sort(byKey)
        // no target has failed: each is ok, holds nothing and has nothing stored
        .map((row) => [String(row.id), String(row.type), String(row.destination), row.active ? 'yes' : 'no', 'ok', '-', '0', row.convertDDB ? 'convertDDB' : '', '']);

    it('prints the targets of each source as an aligned table, one line per target, in id order', async () => {
      const columns = ['id', 'type', 'destination', 'active', 'state', 'behind', 'stored', 'options', 'last error'];
      for (const source of ['kinesis', 'dynamodb'] as const) {
        const { out } = await script(['list', ...deployment, ...sourceFlags(source)]);
        const cells = listedCells(source);
        expect(cells).toHaveLength(REGISTRATIONS.filter((registration) => registration.source === source).length);
        expectAlignedTable(out, columns, cells);
      }
    });

    it('prints every target of every source as JSON', async () => {
      const listed = (await script(['--output', 'json', 'list', ...deployment])).json<Array<Record<string, unknown>>>();
      expect(listed).toHaveLength(REGISTRATIONS.length);
      // every row whole: source, id, type, resolved destination, active and options; and its state
      const state = { state: 'ok', stateSince: null, behindSeconds: null, stored: 0, lastError: null };
      expect([...listed].sort(byKey)).toEqual([...rows.values()].sort(byKey).map((row) => ({ ...row, ...state })));
    });
  });

  it('4. the role\'s policy names exactly the registered destinations (nothing for redis, memcached and http) and the table', async () => {
    const iotTopicArn = `arn:aws:iot:${region}:${account}:topic/${iotTopic}`;
    sendGrants = {
      PublishToTopics: sorted([topicByName.arn, topicByArn.arn]),
      SendToQueues: sorted([queueByNameArn, queueByUrlArn]),
      PutToStreams: sorted([streamByName.arn, streamByArn.arn]),
      PutToDeliveryStreams: [deliveryStream.arn],
      InvokeFunctions: sorted([functionByName.arn, functionByArn.arn]),
      PublishToIotTopics: [iotTopicArn],
      // both es targets write to this domain: one by its AWS-form endpoint, one by moto's, looked up (see awsFormEndpoint)
      PostToOpenSearchDomains: [`${await domainArn(domain.name)}/*`],
    };
    expect(resourcesBySid(await rolePolicy(roleName))).toEqual({
      ReadTargets: [tableArn],
      ...isolationGrants,
      WriteLogs: [logGroup, `${logGroup}:*`],
      PutMetrics: ['*'],
      ...sendGrants,
    });
  });

  describe('5. changes a target: update, deactivate, activate', () => {
    const targetFlags = () => [...deployment, ...sourceFlags('kinesis'), '--id', 'queue-by-name'];
    const expectRow = async (changes: Record<string, unknown>) => {
      const before = rowOf('queue-by-name');
      const after = { ...before, ...changes };
      expect(after).not.toEqual(before);
      rows.set(key(after), after);
      await expectTableRows();
    };

    it('updates its collapse and ordering', async () => {
      await script(['update', ...targetFlags(), '--collapse', 'none', '--parallel', 'false']);
      await expectRow({ collapse: 'none', parallel: false });
    });

    it('deactivates it: the row stays, inactive, and its queue stays granted', async () => {
      await script(['deactivate', ...targetFlags()]);
      await expectRow({ active: false });
      expect(resourcesBySid(await rolePolicy(roleName)).SendToQueues).toEqual(sendGrants.SendToQueues);
    });

    it('activates it again', async () => {
      await script(['activate', ...targetFlags()]);
      await expectRow({ active: true });
    });
  });

  describe('6. hooks the Kinesis stream, pauses, resumes and unhooks it', () => {
    const hookFlags = () => [...deployment, '--source-type', 'kinesis', '--source', kinesisSource.name];
    const theMapping = async () => {
      const mappings = await mappingsOfSource(kinesisSource.arn);
      expect(mappings).toHaveLength(1);
      return mappings[0]!;
    };

    it('hooks: one enabled mapping reporting batch item failures, 50 records a batch, and the role reads the stream', async () => {
      await script(['hook', ...hookFlags(), '--batch-size', '50']);
      expect(await theMapping()).toMatchObject({
        EventSourceArn: kinesisSource.arn,
        FunctionArn: functionArn,
        State: 'Enabled',
        BatchSize: 50,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(resourcesBySid(await rolePolicy(roleName))).toEqual({
        ReadTargets: [tableArn],
        ...isolationGrants,
        WriteLogs: [logGroup, `${logGroup}:*`],
        PutMetrics: ['*'],
        ReadKinesisSources: [kinesisSource.arn],
        ListKinesisStreams: ['*'],
        ...sendGrants,
      });
    });

    it('pauses: the mapping is disabled', async () => {
      const { UUID } = await theMapping();
      await script(['pause', ...hookFlags()]);
      expect(await theMapping()).toMatchObject({ UUID, State: 'Disabled' });
    });

    it('resumes: the same mapping is enabled again', async () => {
      const { UUID } = await theMapping();
      await script(['resume', ...hookFlags()]);
      expect(await theMapping()).toMatchObject({ UUID, State: 'Enabled' });
    });

    it('unhooks: no mapping is left, and the role no longer reads the stream', async () => {
      await script(['unhook', ...hookFlags()]);
      expect(await mappingsOfSource(kinesisSource.arn)).toEqual([]);
      expect(resourcesBySid(await rolePolicy(roleName))).toEqual({
        ReadTargets: [tableArn],
        ...isolationGrants,
        WriteLogs: [logGroup, `${logGroup}:*`],
        PutMetrics: ['*'],
        ...sendGrants,
      });
    });
  });

  it('7. unregisters the sqs target: its row is gone, and so is its queue from the policy', async () => {
    const removed = rowOf('queue-by-name');
    await script(['unregister', ...deployment, ...sourceFlags('kinesis'), '--id', 'queue-by-name']);
    rows.delete(key(removed));
    await expectTableRows();
    expect(resourcesBySid(await rolePolicy(roleName))).toEqual({
      ReadTargets: [tableArn],
      ...isolationGrants,
      WriteLogs: [logGroup, `${logGroup}:*`],
      PutMetrics: ['*'],
      ...sendGrants,
      SendToQueues: [queueByUrlArn],
    });
  });

  it('8. destroys everything: the function, its mappings, the tables, the failure store and the role', async () => {
    // a hook for destroy to remove
    await script(['hook', ...deployment, '--source-type', 'dynamodb', '--source', dynamodbSource.name]);
    expect(await mappingsOfSource(dynamodbSource.streamArn)).toHaveLength(1);

    const destroyed = (await script(['--output', 'json', 'destroy', ...deployment, '--delete-table', '--delete-store', '--delete-role'])).json<{
      steps: Array<{ resource: string; name: string; outcome: string }>;
    }>();
    expect(destroyed.steps).toEqual([
      { resource: 'mapping', name: dynamodbSource.streamArn, outcome: 'deleted' },
      { resource: 'function', name: functionName, outcome: 'deleted' },
      { resource: 'table', name: tableName, outcome: 'deleted' },
      { resource: 'progress-table', name: progressTableName, outcome: 'deleted' },
      { resource: 'failure-store', name: bucket, outcome: 'deleted' },
      { resource: 'role', name: roleName, outcome: 'deleted' },
    ]);
    expect(await table(progressTableName)).toBeUndefined();
    expect(await bucketExists(bucket)).toBe(false);
    expect(await functionConfiguration(functionName)).toBeUndefined();
    expect(await mappingsOfSource(dynamodbSource.streamArn)).toEqual([]);
    expect(await mappingsOfSource(kinesisSource.arn)).toEqual([]);
    expect(await mappingsOf(functionName)).toEqual([]);
    expect(await table(tableName)).toBeUndefined();
    expect(await role(roleName)).toBeUndefined();
    expect(await rolePolicy(roleName)).toBeUndefined();
  });
});
