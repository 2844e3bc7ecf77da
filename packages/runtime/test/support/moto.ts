import { motoRequests, type MotoRequest } from '@fanout/testbed';
import { aws } from './harness.js';

/** Whose keys signed a request moto received, and for which region and service (from its SigV4 Authorization header). */
export function signatureScope(request: MotoRequest): { accessKeyId: string; region: string; service: string } {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(request.headers.Authorization ?? '');
  if (!scope) throw new Error(`request to ${request.url} has no SigV4 Authorization header`);
  return { accessKeyId: scope[1]!, region: scope[2]!, service: scope[3]! };
}

/** The STS AssumeRole requests moto received for the role, as their parameters. */
export function assumeRoleRequests(role: string): URLSearchParams[] {
  return motoRequests(aws, /^\/$/)
    .map((request) => new URLSearchParams(request.body.toString('utf8')))
    .filter((parameters) => parameters.get('Action') === 'AssumeRole' && parameters.get('RoleArn') === role);
}

/** Whether temporary credentials (an assumed role's), not the test bed's static keys, signed the request. */
export function signedWithAssumedRole(request: MotoRequest): boolean {
  return signatureScope(request).accessKeyId !== aws.credentials.accessKeyId && Boolean(request.headers['X-Amz-Security-Token']);
}
