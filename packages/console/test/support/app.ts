import { AwsSession, type AwsOptions } from '../../src/aws/session.js';
import type { AwsContext } from '../../src/context.js';
import { aws } from './console.js';

/** What the app's functions get: a session on the test bed's moto, in its first region unless told otherwise. */
export function appContext(options: Partial<AwsOptions> = {}): AwsContext {
  return { aws: new AwsSession({ endpointUrl: aws.endpoint, region: aws.regions[0], verifySsl: true, debug: false, ...options }) };
}
