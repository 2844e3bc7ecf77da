import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { awsClientConfig, credentialsForAccount, motoRequests, uniqueName } from '../src/index.js';
import { createEchoFunction } from './support/lambda.js';

const aws = inject('testbed').aws;

describe('moto', () => {
  it('delivers a message sent to an SQS queue, byte for byte', async () => {
    const sqs = new SQSClient(awsClientConfig(aws));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('roundtrip') }));
    const body = 'héllo, fanout ✓ {"n":1}';
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(Messages?.map((message) => message.Body)).toEqual([body]);
  });

  it('keeps two accounts apart: an assumed role acts in its own account only', async () => {
    const [primary, secondary] = aws.accounts;
    const secondaryCredentials = await credentialsForAccount(aws, secondary);
    const identity = await new STSClient(awsClientConfig(aws, { credentials: secondaryCredentials })).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Account).toBe(secondary);

    const name = uniqueName('account');
    const inSecondary = new SQSClient(awsClientConfig(aws, { credentials: secondaryCredentials }));
    const { QueueUrl } = await inSecondary.send(new CreateQueueCommand({ QueueName: name }));
    expect(QueueUrl).toContain(`/${secondary}/`);

    const inPrimary = new SQSClient(awsClientConfig(aws));
    const primaryQueues = await inPrimary.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    expect(primaryQueues.QueueUrls ?? []).toEqual([]);
    expect(primary).not.toBe(secondary);
  });

  it('keeps two regions apart', async () => {
    const [home, other] = aws.regions;
    const name = uniqueName('region');
    await new SQSClient(awsClientConfig(aws, { region: other })).send(new CreateQueueCommand({ QueueName: name }));
    const inOther = await new SQSClient(awsClientConfig(aws, { region: other })).send(
      new ListQueuesCommand({ QueueNamePrefix: name }),
    );
    const inHome = await new SQSClient(awsClientConfig(aws, { region: home })).send(
      new ListQueuesCommand({ QueueNamePrefix: name }),
    );
    expect(inOther.QueueUrls).toHaveLength(1);
    expect(inHome.QueueUrls ?? []).toEqual([]);
  });

  it('runs Lambda without Docker, and records what each invocation received', async () => {
    const FunctionName = await createEchoFunction(aws);
    const lambda = new LambdaClient(awsClientConfig(aws));
    const result = await lambda.send(
      new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }),
    );
    expect(result.StatusCode).toBe(202);
    const invocations = motoRequests(aws, new RegExp(`/functions/${FunctionName}/invocations`));
    expect(invocations.map((request) => [request.headers['X-Amz-Invocation-Type'], request.body.toString()])).toEqual([
      ['Event', '{"n":1}'],
    ]);
  });

  it('reads requests that concurrent writes left on one line of the request log', () => {
    // as moto's recorder writes them (Python's json.dumps): the JSON, then the newline, in two writes
    const recorded = (path: string, body: string) =>
      `{"headers": {"Host": "127.0.0.1", "X-Amz-Target": "{\\"headers\\": {}}"}, "method": "POST", "url": "http://127.0.0.1${path}", "body": "${body}", "body_encoded": false}`;
    const requestLog = join(mkdtempSync(join(tmpdir(), 'moto-log-')), 'moto-requests.jsonl');
    writeFileSync(requestLog, `${recorded('/first', 'one')}${recorded('/second', 'two}{')}\n\n${recorded('/third', 'three')}\n`);

    const requests = motoRequests({ ...aws, requestLog }, /^\//);

    expect(requests.map((request) => [new URL(request.url).pathname, request.body.toString()])).toEqual([
      ['/first', 'one'],
      ['/second', 'two}{'],
      ['/third', 'three'],
    ]);
  });
});
