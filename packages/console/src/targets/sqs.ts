import { GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, SQSClient, paginateListQueues } from '@aws-sdk/client-sqs';
import { REGION_IN_HOST, SEND_TO_QUEUES } from './grants.js';
import { fromPages } from './lookup.js';
import type { ConsoleTargetType } from './types.js';

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const QUEUE_ARN = /^arn:[^:]+:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

export const sqsTarget: ConsoleTargetType<true> = {
  title: 'SQS',
  destinationHelp: 'a queue name, ARN or URL',
  async resolve(lookup) {
    // a queue's ARN, as the original fanout CLI took: the row holds its URL, which the SDK sends to
    const arn = QUEUE_ARN.exec(lookup.destination);
    if (arn) {
      const [, region, account, name] = arn;
      const scope = lookup.scope(region);
      const { QueueUrl } = await lookup.require(
        lookup.aws.client(SQSClient, scope).send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })),
        QueueDoesNotExist,
        { resource: `SQS queue ${lookup.destination}`, scope, fix: 'create it or check the ARN' },
      );
      return QueueUrl!;
    }
    const form = lookup.nameOrStored<{ region?: string }>({ pattern: QUEUE_NAME, description: 'a queue name, a queue ARN' });
    const scope = lookup.scope('stored' in form ? form.stored.region : undefined);
    const sqs = lookup.aws.client(SQSClient, scope);
    if ('stored' in form) {
      await lookup.require(sqs.send(new GetQueueAttributesCommand({ QueueUrl: lookup.destination })), QueueDoesNotExist, {
        resource: `SQS queue ${lookup.destination}`,
        scope,
        fix: 'create it or check the URL',
      });
      return lookup.destination;
    }
    const { QueueUrl } = await lookup.require(sqs.send(new GetQueueUrlCommand({ QueueName: form.name })), QueueDoesNotExist, {
      resource: `SQS queue named "${form.name}"`,
      scope,
      fix: 'create it or pass its URL',
    });
    return QueueUrl!;
  },
  // without MaxResults, ListQueues returns the first 1,000 queues and no token for the rest
  discover: (aws, scope) =>
    fromPages(paginateListQueues({ client: aws.client(SQSClient, scope) }, { MaxResults: 1000 }), (page) =>
      (page.QueueUrls ?? []).map((url) => ({ label: url.split('/').pop()!, value: url })),
    ),
  grant: {
    statements: [SEND_TO_QUEUES],
    grantOf({ destination }, place) {
      const url = new URL(destination);
      const [, account, queue] = url.pathname.split('/');
      return { statement: SEND_TO_QUEUES, resource: `arn:${place.partition}:sqs:${REGION_IN_HOST.exec(url.hostname)?.[1] ?? place.region}:${account}:${queue}` };
    },
  },
};
