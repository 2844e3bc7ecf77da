import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClientConfig, freePort, motoRequests, uniqueName } from '@fanout/testbed';
import { describe, expect, it } from 'vitest';
import { resolveDestination } from '../src/targets/destinations.js';
import type { DestinationRequest } from '../src/targets/types.js';
import { createContext, type CommandContext, type Terminal } from '../src/context.js';
import { UsageError } from '../src/errors.js';
import { aws, testTerminal } from './support/console.js';
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
} from './support/destination-resources.js';

const [home, otherRegion] = aws.regions;
const [account, otherAccount] = aws.accounts;
/** moto's page size for ListTopics (AWS's is 100 too). */
const TOPICS_PER_PAGE = 100;

const noTerminal: Terminal = testTerminal();

function contextFor(endpointUrl: string): CommandContext {
  return createContext(
    { endpointUrl, region: home, verifySsl: true, debug: false, yes: true, output: 'json' },
    { out: () => undefined, err: () => undefined },
    noTerminal,
  );
}

const context = contextFor(aws.endpoint);

function resolve(request: DestinationRequest): Promise<string> {
  return resolveDestination(context, request);
}

/** The message of the UsageError the request is refused with. */
async function refusal(request: DestinationRequest): Promise<string> {
  const error: unknown = await resolve(request).then(
    (destination) => new Error(`resolved to ${destination}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

describe('sns destinations', () => {
  it('resolves a topic name to its ARN and keeps an ARN it finds', async () => {
    const topic = await createTopic();
    expect(await resolve({ type: 'sns', destination: topic.name })).toBe(topic.arn);
    expect(await resolve({ type: 'sns', destination: topic.arn })).toBe(topic.arn);
  });

  it('finds a topic past the first page of ListTopics', async () => {
    const sns = new SNSClient(awsClientConfig(aws, { region: otherRegion }));
    await Promise.all(Array.from({ length: TOPICS_PER_PAGE }, () => sns.send(new CreateTopicCommand({ Name: uniqueName('filler') }))));
    const topic = await createTopic({ region: otherRegion });
    expect(await resolve({ type: 'sns', destination: topic.name, region: otherRegion })).toBe(topic.arn);
  });

  it('says which topic name is missing, where, and what to do', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'sns', destination: name })).toBe(
      `--destination: no SNS topic named "${name}" in ${home} (account ${account}); create it or pass its ARN`,
    );
  });

  it('refuses the ARN of a topic that does not exist', async () => {
    const arn = `arn:aws:sns:${home}:${account}:${uniqueName('absent')}`;
    expect(await refusal({ type: 'sns', destination: arn })).toBe(
      `--destination: no SNS topic ${arn} in ${home} (account ${account}); create it or check the ARN`,
    );
  });

  it('says the expected forms of a value that is neither a name nor an ARN', async () => {
    expect(await refusal({ type: 'sns', destination: 'arn:aws:sns:orders' })).toBe(
      '--destination: "arn:aws:sns:orders" is not an SNS topic ARN; expected a topic name, or a topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)',
    );
  });

  it('looks a name up in --destination-region', async () => {
    const topic = await createTopic({ region: otherRegion });
    expect(await resolve({ type: 'sns', destination: topic.name, region: otherRegion })).toBe(topic.arn);
    expect(await refusal({ type: 'sns', destination: topic.name })).toContain(`no SNS topic named "${topic.name}" in ${home}`);
  });

  it('checks an ARN in the region it names', async () => {
    const topic = await createTopic({ region: otherRegion });
    expect(await resolve({ type: 'sns', destination: topic.arn })).toBe(topic.arn);
  });

  it('looks a name up in the account of --destination-role-arn', async () => {
    const { role, credentials } = await secondAccount();
    const topic = await createTopic({ credentials });
    expect(topic.arn).toContain(`:${otherAccount}:`);
    expect(await resolve({ type: 'sns', destination: topic.name, role })).toBe(topic.arn);
    expect(await refusal({ type: 'sns', destination: topic.name })).toContain(`(account ${account})`);
    expect(await refusal({ type: 'sns', destination: uniqueName('absent'), role })).toContain(`in ${home} (account ${otherAccount})`);
  });

  it('assumes the role with --external-id', async () => {
    const { role, credentials } = await secondAccount();
    const topic = await createTopic({ credentials });
    const externalId = uniqueName('external');
    expect(await resolve({ type: 'sns', destination: topic.arn, role, externalId })).toBe(topic.arn);
    const assumeRoles = motoRequests(aws, /^\/$/)
      .map((request) => new URLSearchParams(request.body.toString('utf8')))
      .filter((parameters) => parameters.get('Action') === 'AssumeRole' && parameters.get('RoleArn') === role);
    expect(assumeRoles.map((parameters) => parameters.get('ExternalId'))).toEqual([externalId]);
  });

  it('lets errors other than not-found through unchanged', async () => {
    const unreachable = contextFor(`http://127.0.0.1:${await freePort()}`);
    // with a role, saying "not found" takes no request: only passing the error on keeps the connection error
    const { role } = await secondAccount();
    const error: unknown = await resolveDestination(unreachable, { type: 'sns', destination: `arn:aws:sns:${home}:${otherAccount}:orders`, role }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).not.toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ kind: 'unreachable', cause: { code: 'ECONNREFUSED' } });
  });
});

describe('sqs destinations', () => {
  it('resolves a queue name to its URL and keeps a URL it finds', async () => {
    const queue = await createQueue();
    expect(await resolve({ type: 'sqs', destination: queue.name })).toBe(queue.url);
    expect(await resolve({ type: 'sqs', destination: queue.url })).toBe(queue.url);
  });

  it('looks a name up in --destination-region', async () => {
    const queue = await createQueue({ region: otherRegion });
    expect(await resolve({ type: 'sqs', destination: queue.name, region: otherRegion })).toBe(queue.url);
  });

  it('refuses a missing queue, by name and by URL', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'sqs', destination: name })).toBe(
      `--destination: no SQS queue named "${name}" in ${home} (account ${account}); create it or pass its URL`,
    );
    const url = `${aws.endpoint}/${account}/${name}`;
    expect(await refusal({ type: 'sqs', destination: url })).toBe(
      `--destination: no SQS queue ${url} in ${home} (account ${account}); create it or check the URL`,
    );
  });

  it('resolves a queue ARN (as the original CLI took) to its URL, in the region it names, and refuses a missing one', async () => {
    const queue = await createQueue({ region: otherRegion });
    expect(await resolve({ type: 'sqs', destination: `arn:aws:sqs:${otherRegion}:${account}:${queue.name}` })).toBe(queue.url);
    const absent = `arn:aws:sqs:${home}:${account}:${uniqueName('absent')}`;
    expect(await refusal({ type: 'sqs', destination: absent })).toBe(`--destination: no SQS queue ${absent} in ${home} (account ${account}); create it or check the ARN`);
  });

  it('says the expected forms of a value that is neither a name nor a URL', async () => {
    expect(await refusal({ type: 'sqs', destination: 'orders queue' })).toBe(
      '--destination: "orders queue" is not a URL (an SQS queue URL); expected a queue name, a queue ARN, or a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE)',
    );
  });
});

describe('kinesis destinations', () => {
  it('stores the ARN of a stream given by name or by ARN', async () => {
    const stream = await createStream();
    expect(await resolve({ type: 'kinesis', destination: stream.name })).toBe(stream.arn);
    expect(await resolve({ type: 'kinesis', destination: stream.arn })).toBe(stream.arn);
  });

  it('checks an ARN in the region it names', async () => {
    const stream = await createStream(otherRegion);
    expect(await resolve({ type: 'kinesis', destination: stream.arn })).toBe(stream.arn);
  });

  it('refuses a missing stream, by name and by ARN', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'kinesis', destination: name })).toBe(
      `--destination: no Kinesis stream named "${name}" in ${home} (account ${account}); create it or pass its ARN`,
    );
    const arn = `arn:aws:kinesis:${home}:${account}:stream/${name}`;
    expect(await refusal({ type: 'kinesis', destination: arn })).toBe(
      `--destination: no Kinesis stream ${arn} in ${home} (account ${account}); create it or check the ARN`,
    );
  });

  it('says the expected form of a malformed value', async () => {
    expect(await refusal({ type: 'kinesis', destination: 'orders stream' })).toBe(
      '--destination: "orders stream" is neither a Kinesis stream name nor a stream ARN; expected a stream name or ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)',
    );
  });
});

describe('firehose destinations', () => {
  it('stores the ARN of a delivery stream given by name or by ARN', async () => {
    const deliveryStream = await createDeliveryStream();
    expect(await resolve({ type: 'firehose', destination: deliveryStream.name })).toBe(deliveryStream.arn);
    expect(await resolve({ type: 'firehose', destination: deliveryStream.arn })).toBe(deliveryStream.arn);
  });

  it('refuses a missing delivery stream', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'firehose', destination: name })).toBe(
      `--destination: no Firehose delivery stream named "${name}" in ${home} (account ${account}); create it or pass its ARN`,
    );
  });

  it('refuses the ARN of another account\'s delivery stream without its role, even when the caller has one of that name', async () => {
    const { role, credentials } = await secondAccount();
    const theirs = await createDeliveryStream({ credentials });
    await createDeliveryStream({}, theirs.name);
    expect(await refusal({ type: 'firehose', destination: theirs.arn })).toBe(
      `--destination: ${theirs.arn} is in account ${otherAccount}, but the lookup found arn:aws:firehose:${home}:${account}:deliverystream/${theirs.name}; pass --destination-role-arn with a role of account ${otherAccount}`,
    );
    expect(await resolve({ type: 'firehose', destination: theirs.arn, role })).toBe(theirs.arn);
  });
});

describe('es destinations', () => {
  it('resolves a domain name to its endpoint, with the index', async () => {
    const domain = await createDomain();
    expect(await resolve({ type: 'es', destination: domain.name, index: 'orders' })).toBe(`https://${domain.endpoint}#orders`);
  });

  it('looks a domain up in --destination-region', async () => {
    const domain = await createDomain({ region: otherRegion });
    expect(domain.endpoint).toContain(otherRegion);
    expect(await resolve({ type: 'es', destination: domain.name, index: 'orders', region: otherRegion })).toBe(`https://${domain.endpoint}#orders`);
  });

  it('takes an endpoint URL with --index, and ENDPOINT#INDEX, as they are', async () => {
    const endpoint = 'https://search-orders-abc123.us-east-1.es.amazonaws.com';
    expect(await resolve({ type: 'es', destination: endpoint, index: 'orders' })).toBe(`${endpoint}#orders`);
    expect(await resolve({ type: 'es', destination: `${endpoint}#orders` })).toBe(`${endpoint}#orders`);
  });

  it('needs --index unless the destination names the index', async () => {
    expect(await refusal({ type: 'es', destination: 'orders' })).toBe('--index: required for es targets; name the OpenSearch index to write to');
    expect(await refusal({ type: 'es', destination: 'https://search.example.com#orders', index: 'orders' })).toBe(
      '--index: the destination already names its index after #; drop --index or the #INDEX',
    );
  });

  it('refuses a missing domain and an index OpenSearch would refuse', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'es', destination: name, index: 'orders' })).toBe(
      `--destination: no OpenSearch domain named "${name}" in ${home} (account ${account}); create it or pass its endpoint URL`,
    );
    expect(await refusal({ type: 'es', destination: 'https://search.example.com', index: 'Orders' })).toBe(
      '--destination: index "Orders" is not a valid index name (lowercase letters, digits, _ . + -); expected https://ENDPOINT#INDEX (or the legacy ENDPOINT#DOCTYPE/INDEX)',
    );
  });

  it('says the expected forms of a value that is neither a domain name nor an endpoint', async () => {
    expect(await refusal({ type: 'es', destination: 'Orders_Domain', index: 'orders' })).toBe(
      '--destination: "Orders_Domain" is neither an OpenSearch domain name nor an endpoint; expected a domain name, or https://ENDPOINT#INDEX (or the legacy ENDPOINT#DOCTYPE/INDEX)',
    );
  });
});

describe('lambda destinations', () => {
  it('stores the ARN of a function given by name or by ARN', async () => {
    const lambda = await createFunction();
    expect(await resolve({ type: 'lambda', destination: lambda.name })).toBe(lambda.arn);
    expect(await resolve({ type: 'lambda', destination: lambda.arn })).toBe(lambda.arn);
  });

  it('keeps the version the user chose', async () => {
    const lambda = await createFunction();
    expect(await resolve({ type: 'lambda', destination: `${lambda.name}:1` })).toBe(`${lambda.arn}:1`);
    expect(await resolve({ type: 'lambda', destination: `${lambda.arn}:1` })).toBe(`${lambda.arn}:1`);
  });

  it('refuses a missing function', async () => {
    const name = uniqueName('absent');
    expect(await refusal({ type: 'lambda', destination: name })).toBe(
      `--destination: no Lambda function named "${name}" in ${home} (account ${account}); create it or pass its ARN`,
    );
  });

  it('looks a function up in the account of --destination-role-arn', async () => {
    const { role, credentials } = await secondAccount();
    const lambda = await createFunction({ credentials });
    expect(await resolve({ type: 'lambda', destination: lambda.name, role })).toBe(lambda.arn);
  });
});

describe('redis destinations', () => {
  it('resolves a replication group to its primary endpoint', async () => {
    const group = await createReplicationGroup();
    expect(group.primaryEndpoint).toMatch(/^master\..+:6379$/);
    expect(await resolve({ type: 'redis', destination: group.id })).toBe(group.primaryEndpoint);
  });

  it('uses rediss:// for a group that takes TLS only', async () => {
    const group = await createReplicationGroup({ transitEncryption: true });
    expect(await resolve({ type: 'redis', destination: group.id })).toBe(`rediss://${group.primaryEndpoint}`);
  });

  it('resolves a cluster of a replication group to the group\'s primary endpoint', async () => {
    const group = await createReplicationGroup();
    const cluster = await createCacheCluster('redis', group.id);
    expect(await resolve({ type: 'redis', destination: cluster })).toBe(group.primaryEndpoint);
  });

  it('refuses a group in cluster mode', async () => {
    const group = await createReplicationGroup({ clusterMode: true });
    expect(await refusal({ type: 'redis', destination: group.id })).toBe(
      `--destination: replication group "${group.id}" runs in cluster mode, which the redis target does not support; use a group with cluster mode disabled`,
    );
  });

  // moto's DescribeCacheClusters returns no CacheNodes, so a stand-alone cluster never has an endpoint there
  it('says when a stand-alone cluster has no endpoint yet', async () => {
    const cluster = await createCacheCluster('redis');
    expect(await refusal({ type: 'redis', destination: cluster })).toBe(
      `--destination: ElastiCache cluster "${cluster}" has no node endpoints yet (status available); wait until it is available, or pass host:port`,
    );
  });

  it('refuses a memcached cluster', async () => {
    const cluster = await createCacheCluster('memcached');
    expect(await refusal({ type: 'redis', destination: cluster })).toBe(
      `--destination: ElastiCache cluster "${cluster}" runs memcached, not redis; pass a redis cluster or replication group`,
    );
  });

  it('refuses a missing id', async () => {
    const id = uniqueName('absent');
    expect(await refusal({ type: 'redis', destination: id })).toBe(
      `--destination: no ElastiCache replication group or cluster "${id}" in ${home} (account ${account}); create it or pass host:port`,
    );
  });

  it('takes host:port and redis URLs as they are', async () => {
    for (const destination of ['cache.example.com:6379', 'redis://cache.example.com:6379', 'rediss://cache.example.com:6380/2']) {
      expect(await resolve({ type: 'redis', destination })).toBe(destination);
    }
  });

  it('says the expected forms of a malformed value', async () => {
    expect(await refusal({ type: 'redis', destination: 'cache.example.com' })).toBe(
      '--destination: "cache.example.com" is not host:port; expected an ElastiCache replication group or cluster id, or host:port, or a redis:// or rediss:// URL',
    );
  });
});

describe('memcached destinations', () => {
  // moto's DescribeCacheClusters returns no CacheNodes: resolving a memcached cluster to its nodes cannot succeed there
  it('says when a cluster has no node endpoints yet', async () => {
    const cluster = await createCacheCluster('memcached');
    expect(await refusal({ type: 'memcached', destination: cluster })).toBe(
      `--destination: ElastiCache cluster "${cluster}" has no node endpoints yet (status available); wait until it is available, or pass host:port`,
    );
  });

  it('refuses a redis cluster and a missing one', async () => {
    const cluster = await createCacheCluster('redis');
    expect(await refusal({ type: 'memcached', destination: cluster })).toBe(
      `--destination: ElastiCache cluster "${cluster}" runs redis, not memcached; pass a memcached cluster`,
    );
    const id = uniqueName('absent');
    expect(await refusal({ type: 'memcached', destination: id })).toBe(
      `--destination: no ElastiCache cluster "${id}" in ${home} (account ${account}); create it or pass host:port`,
    );
  });

  it('takes a list of host:port as it is, and says the expected form of a malformed one', async () => {
    expect(await resolve({ type: 'memcached', destination: 'a.example.com:11211,b.example.com:11211' })).toBe('a.example.com:11211,b.example.com:11211');
    expect(await refusal({ type: 'memcached', destination: 'a.example.com:11211,b.example.com' })).toBe(
      '--destination: "b.example.com" is not host:port; expected an ElastiCache cluster id, or host:port[,host:port...]',
    );
  });
});

describe('iot destinations', () => {
  it('prefixes a topic with the account\'s data endpoint', async () => {
    // moto makes up a new endpoint on every DescribeEndpoint: only its form can be checked
    expect(await resolve({ type: 'iot', destination: 'fanout/orders' })).toMatch(new RegExp(`^[a-z0-9]+-ats\\.iot\\.${home}\\.amazonaws\\.com#fanout/orders$`));
    expect(await resolve({ type: 'iot', destination: 'fanout/orders', region: otherRegion })).toMatch(
      new RegExp(`^[a-z0-9]+-ats\\.iot\\.${otherRegion}\\.amazonaws\\.com#fanout/orders$`),
    );
  });

  it('takes ENDPOINT#TOPIC as it is', async () => {
    const destination = `abc123-ats.iot.${home}.amazonaws.com#fanout/orders`;
    expect(await resolve({ type: 'iot', destination })).toBe(destination);
  });

  it('refuses a topic with a wildcard', async () => {
    expect(await refusal({ type: 'iot', destination: 'fanout/+' })).toMatch(
      /^--destination: topic "fanout\/\+" has a wildcard \(\+ or #\) or starts with \$; expected ENDPOINT#TOPIC/,
    );
  });
});

describe('http destinations', () => {
  it('takes an http(s) URL as it is', async () => {
    expect(await resolve({ type: 'http', destination: 'https://hooks.example.com/orders' })).toBe('https://hooks.example.com/orders');
  });

  it('refuses anything else, saying the expected form', async () => {
    expect(await refusal({ type: 'http', destination: 'ftp://hooks.example.com' })).toBe(
      '--destination: "ftp://hooks.example.com" is not an http(s) URL (an HTTP endpoint); expected an http:// or https:// URL',
    );
  });
});
