import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsEndpoints } from './servers/moto.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

/**
 * Configuration for any AWS SDK v3 client, pointed at the test bed (or, with `endpoint`, at
 * something in front of it, such as a fault proxy's endpoint).
 */
export function awsClientConfig(
  aws: AwsEndpoints,
  options: { region?: string; credentials?: AwsCredentials; endpoint?: string } = {},
): AwsClientConfig {
  return {
    endpoint: options.endpoint ?? aws.endpoint,
    region: options.region ?? aws.regions[0],
    credentials: options.credentials ?? aws.credentials,
  };
}

/**
 * Credentials that act in `accountId`: moto ties the credentials of an assumed role
 * to the account the role belongs to.
 */
export async function credentialsForAccount(aws: AwsEndpoints, accountId: string): Promise<AwsCredentials> {
  const sts = new STSClient(awsClientConfig(aws));
  const { Credentials: credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/fanout-testbed`, RoleSessionName: 'fanout-testbed' }),
  );
  sts.destroy();
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error(`no credentials for account ${accountId}`);
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
  };
}
