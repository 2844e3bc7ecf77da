import { GetTopicAttributesCommand, NotFoundException as TopicNotFound, SNSClient, paginateListTopics } from '@aws-sdk/client-sns';
import { PUBLISH_TO_TOPICS } from './grants.js';
import { fixFor, fromPages, named } from './lookup.js';
import type { ConsoleTargetType } from './types.js';

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

export const snsTarget: ConsoleTargetType<true> = {
  title: 'SNS',
  destinationHelp: 'a topic name or ARN',
  async resolve(lookup) {
    const form = lookup.nameOrStored<{ region: string }>({ pattern: TOPIC_NAME, description: 'a topic name' });
    if ('stored' in form) {
      const scope = lookup.scope(form.stored.region);
      const sns = lookup.aws.client(SNSClient, scope);
      await lookup.require(sns.send(new GetTopicAttributesCommand({ TopicArn: lookup.destination })), TopicNotFound, {
        resource: `SNS topic ${named(lookup.destination)}`,
        scope,
        fix: fixFor(lookup.destination),
      });
      return lookup.destination;
    }
    const scope = lookup.scope();
    for await (const page of paginateListTopics({ client: lookup.aws.client(SNSClient, scope) }, {})) {
      const topicArn = page.Topics?.find(({ TopicArn }) => TopicArn?.split(':')[5] === form.name)?.TopicArn;
      if (topicArn) return topicArn;
    }
    return lookup.notFound({ resource: `SNS topic ${named(form.name)}`, scope, fix: fixFor(form.name) });
  },
  discover: (aws, scope) =>
    fromPages(paginateListTopics({ client: aws.client(SNSClient, scope) }, {}), (page) =>
      (page.Topics ?? []).map(({ TopicArn }) => ({ label: TopicArn!.split(':')[5]!, value: TopicArn! })),
    ),
  grant: {
    statements: [PUBLISH_TO_TOPICS],
    grantOf: ({ destination }) => ({ statement: PUBLISH_TO_TOPICS, resource: destination }),
  },
};
