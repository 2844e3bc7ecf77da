import { describe, expect, it } from 'vitest';
import { kinesisConsumerOf, streamArnOf, validateTargetRow } from '../../src/config/schema.js';

const kinesisSource = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
const dynamodbSource = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-21T00:00:00.000';
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

const row = (fields: Record<string, unknown>) => ({ sourceArn: kinesisSource, id: 't1', type: 'sqs', destination: queueUrl, active: true, ...fields });

function problems(fields: Record<string, unknown>): string[] {
  const result = validateTargetRow(row(fields));
  return result.ok ? [] : result.problems;
}

describe('target row schema', () => {
  it('accepts a minimal row and fills the defaults', () => {
    expect(validateTargetRow(row({}))).toEqual({
      ok: true,
      target: { ...row({}), collapse: 'JSON', parallel: true, convertDDB: false, deaggregate: false },
    });
  });

  it('gives no collapse to types it does not apply to', () => {
    const result = validateTargetRow(row({ type: 'kinesis', destination: 'orders-copy' }));
    expect(result.ok && result.target.collapse).toBe(undefined);
  });

  it.each([
    ['sns', 'arn:aws:sns:eu-west-1:123456789012:topic'],
    ['sns', 'arn:aws:sns:eu-west-1:123456789012:topic.fifo'],
    ['sqs', 'https://sqs.eu-west-1.amazonaws.com/123456789012/queue.fifo'],
    ['sqs', 'http://127.0.0.1:5000/123456789012/queue'],
    ['es', 'https://search-logs-abc.eu-west-1.es.amazonaws.com#logs'],
    ['es', 'search-logs-abc.eu-west-1.es.amazonaws.com#doc/logs'],
    ['kinesis', 'copy-stream'],
    ['kinesis', 'arn:aws:kinesis:eu-west-1:123456789012:stream/copy'],
    ['firehose', 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/to-s3'],
    ['iot', 'abc123-ats.iot.eu-west-1.amazonaws.com#devices/orders'],
    ['lambda', 'arn:aws:lambda:eu-west-1:123456789012:function:consumer:live'],
    ['lambda', 'consumer'],
    ['redis', 'cache.abc.0001.euw1.cache.amazonaws.com:6379'],
    ['redis', 'rediss://user:pass@cache.example.com:6380'],
    ['memcached', 'a.example.com:11211,b.example.com:11211'],
    ['http', 'https://example.com/hooks/orders'],
  ])('accepts a %s destination %s', (type, destination) => {
    expect(problems({ type, destination })).toEqual([]);
  });

  it.each([
    ['sns', 'orders-topic', 'destination: "orders-topic" is not an SNS topic ARN; expected a topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)'],
    ['sqs', 'orders', 'destination: "orders" is not a URL (an SQS queue URL); expected a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE)'],
    ['es', 'https://search.example.com', 'destination: "https://search.example.com" has no #INDEX; expected https://ENDPOINT#INDEX (or the legacy ENDPOINT#DOCTYPE/INDEX)'],
    ['es', 'https://search.example.com#Logs', 'destination: index "Logs" is not a valid index name (lowercase letters, digits, _ . + -); expected https://ENDPOINT#INDEX (or the legacy ENDPOINT#DOCTYPE/INDEX)'],
    ['kinesis', 'arn:aws:sqs:us-east-1:123456789012:q', 'destination: "arn:aws:sqs:us-east-1:123456789012:q" is neither a Kinesis stream name nor a stream ARN; expected a stream name or ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)'],
    ['iot', 'abc123-ats.iot.eu-west-1.amazonaws.com#devices/+', 'destination: topic "devices/+" has a wildcard (+ or #) or starts with $; expected ENDPOINT#TOPIC (the account\'s IoT data endpoint, e.g. abc123-ats.iot.us-east-1.amazonaws.com#my/topic)'],
    ['redis', 'cache.example.com', 'destination: "cache.example.com" is not host:port; expected host:port, or a redis:// or rediss:// URL'],
    ['memcached', 'a.example.com:11211,b', 'destination: "b" is not host:port; expected host:port[,host:port...]'],
    ['http', 'ftp://example.com/x', 'destination: "ftp://example.com/x" is not an http(s) URL (an HTTP endpoint); expected an http:// or https:// URL'],
  ])('refuses a %s destination %s, saying the expected form', (type, destination, message) => {
    expect(problems({ type, destination })).toEqual([message]);
  });

  it.each([
    [{ type: 'ftp' }, ['type: expected one of sns, sqs, es, kinesis, firehose, iot, lambda, redis, memcached, http']],
    [{ active: 'yes' }, ['active: expected true or false (a DynamoDB boolean)']],
    [{ active: undefined }, ['active: required; expected true or false (a DynamoDB boolean)']],
    [{ destination: undefined }, [expect.stringMatching(/^destination: required/)]],
    [{ sourceArn: 'orders' }, [expect.stringMatching(/^sourceArn: expected the ARN of a Kinesis stream/)]],
    [{ colapse: 'none' }, ['row: unknown field(s) colapse; remove them']],
    [{ collapse: 'zip' }, ['collapse: expected one of none, JSON, concat, concat-b64']],
    [{ role: 'admin' }, ['role: expected an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)']],
    [{ region: 'Europe' }, ['region: expected an AWS region such as us-east-1']],
    [{ externalId: 'abc' }, ['externalId: needs a role; set role too, or remove externalId']],
    [{ type: 'kinesis', destination: 'copy', collapse: 'none' }, ['collapse: not available for kinesis targets; it applies to sns, sqs, iot and http']],
    [{ convertDDB: true }, ['convertDDB: applies to DynamoDB sources only; remove it']],
    [{ sourceArn: dynamodbSource, deaggregate: true }, ['deaggregate: applies to Kinesis sources only; remove it']],
    [{ authorizationEnv: 'TOKEN' }, ['authorizationEnv: applies to http targets only; remove it']],
    [{ type: 'http', destination: 'https://example.com', authorizationEnv: 'not a name' }, ['authorizationEnv: expected the name of an environment variable (letters, digits, _)']],
  ])('refuses %j with one line per problem naming the field', (fields, expected) => {
    expect(problems(fields)).toEqual(expected);
  });

  it.each(['redis', 'memcached'])('refuses role and region on %s targets: they are not AWS APIs', (type) => {
    expect(
      problems({ type, destination: 'cache.example.com:6379', role: 'arn:aws:iam::123456789012:role/r', region: 'eu-west-1' }),
    ).toEqual([
      `role: not available for ${type} targets (it applies to AWS services only); remove it`,
      `region: not available for ${type} targets (it applies to AWS services only); remove it`,
    ]);
  });
});

describe('source ARNs of event source mappings', () => {
  it('takes a Kinesis stream consumer\'s ARN apart: its stream and its name, with or without the creation timestamp', () => {
    expect(kinesisConsumerOf(`${kinesisSource}/consumer/fanout.copy-1:1767225600`)).toEqual({ streamArn: kinesisSource, consumerName: 'fanout.copy-1' });
    // as moto gives it
    expect(kinesisConsumerOf(`${kinesisSource}/consumer/copy`)).toEqual({ streamArn: kinesisSource, consumerName: 'copy' });
    expect(kinesisConsumerOf(kinesisSource)).toBeUndefined();
    expect(kinesisConsumerOf(dynamodbSource)).toBeUndefined();
  });

  it('names the stream a mapping reads: a consumer\'s stream, else the ARN as given', () => {
    expect(streamArnOf(`${kinesisSource}/consumer/copy:1767225600`)).toBe(kinesisSource);
    expect(streamArnOf(kinesisSource)).toBe(kinesisSource);
    expect(streamArnOf(dynamodbSource)).toBe(dynamodbSource);
  });
});
