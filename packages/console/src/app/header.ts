import type { State } from '@aws-sdk/client-lambda';
import { describeTable, functionConfiguration } from '../aws/deployment.js';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';

/** Lambda's State of the function; `unknown` when Lambda reports none. */
export type FunctionState = 'absent' | State | 'unknown';

/** Where the console acts and what the deployment has: the app's header line. */
export interface Header {
  account: string;
  region: string;
  /** The endpoint requests go to when it is not AWS itself (--endpoint-url or AWS_ENDPOINT_URL). */
  endpoint: string | undefined;
  functionName: string;
  functionState: FunctionState;
  tableName: string;
  tableExists: boolean;
}

export async function loadHeader(context: AwsContext, deployment: Deployment): Promise<Header> {
  const [account, region, configuration, table] = await Promise.all([
    context.aws.accountId(),
    context.aws.region(),
    functionConfiguration(context, deployment.functionName),
    describeTable(context, deployment.tableName),
  ]);
  return {
    account,
    region,
    endpoint: context.aws.endpoint(),
    functionName: deployment.functionName,
    functionState: configuration ? (configuration.State ?? 'unknown') : 'absent',
    tableName: deployment.tableName,
    tableExists: table !== undefined,
  };
}
