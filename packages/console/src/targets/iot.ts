import { DescribeEndpointCommand, IoTClient } from '@aws-sdk/client-iot';
import type { AwsSession, ClientScope } from '../aws/session.js';
import { REGION_IN_HOST, arnIn, hostOf } from './grants.js';
import type { ConsoleTargetType, GrantStatement } from './types.js';

const PUBLISH_TO_IOT_TOPICS: GrantStatement = { sid: 'PublishToIotTopics', actions: ['iot:Publish'] };

/** The account's IoT data endpoint (ATS), where iot targets publish. */
async function iotDataEndpoint(aws: AwsSession, scope: ClientScope): Promise<string> {
  const { endpointAddress } = await aws.client(IoTClient, scope).send(new DescribeEndpointCommand({ endpointType: 'iot:Data-ATS' }));
  return endpointAddress!;
}

/** The topic goes after the endpoint: the wizard lists the account's data endpoint, and the destination is `${endpoint}#${topic}`. */
export const iotTarget: ConsoleTargetType<true> = {
  title: 'IoT',
  destinationHelp: 'a topic (on the account\'s data endpoint) or ENDPOINT#TOPIC',
  destinationPart: { name: 'topic', apart: false },
  async resolve(lookup) {
    if (lookup.destination.includes('#')) return lookup.destination;
    return `${await iotDataEndpoint(lookup.aws, lookup.scope())}#${lookup.destination}`;
  },
  async discover(aws, scope) {
    const endpoint = await iotDataEndpoint(aws, scope);
    return [{ label: endpoint, value: endpoint }];
  },
  grant: {
    statements: [PUBLISH_TO_IOT_TOPICS],
    grantOf({ destination }, place) {
      const separator = destination.indexOf('#');
      const endpointRegion = REGION_IN_HOST.exec(hostOf(destination.slice(0, separator)))?.[1];
      return { statement: PUBLISH_TO_IOT_TOPICS, resource: arnIn(place, 'iot', `topic/${destination.slice(separator + 1)}`, endpointRegion) };
    },
  },
};
