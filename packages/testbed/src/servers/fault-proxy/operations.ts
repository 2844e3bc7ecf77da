import type { IncomingHttpHeaders } from 'node:http';
import { FAKE_CONTROL_PREFIX } from '../fake-aws/routes.js';
import { CONTROL_PREFIX } from '../http-sink.js';

/** The SigV4 signing name, from the credential scope: `Credential=AKID/20260101/us-east-1/sqs/aws4_request`. */
const CREDENTIAL_SCOPE = /Credential=[^/,]+\/\d{8}\/[^/,]+\/([^/,]+)\/aws4_request/;

/** Signing names the operation names spell otherwise. */
const SERVICE_NAMES: Record<string, string> = {
  iotdata: 'iot',
  es: 'opensearch',
  aoss: 'opensearch',
  monitoring: 'cloudwatch',
};

/** REST operations, by service, method and path (the other REST calls are named by their method). */
const REST_OPERATIONS: Record<string, ReadonlyArray<{ methods: readonly string[]; path: RegExp; operation: string }>> = {
  lambda: [{ methods: ['POST'], path: /^\/2015-03-31\/functions\/[^/]+\/invocations$/, operation: 'Invoke' }],
  iot: [{ methods: ['POST'], path: /^\/topics\/[^/]+$/, operation: 'Publish' }],
  // the OpenSearch JavaScript client PUTs a _bulk, others POST it
  opensearch: [{ methods: ['POST', 'PUT'], path: /(^|\/)_bulk$/, operation: 'Bulk' }],
};

/** Smithy RPC v2 (CloudWatch's newest protocol): `/service/<service>/operation/<operation>`. */
const RPC_V2_PATH = /^\/service\/[^/]+\/operation\/([^/]+)$/;

/**
 * Names the operation of a request, as `<service>.<Operation>`: `sqs.SendMessageBatch`,
 * `kinesis.GetRecords`, `dynamodb.Query`, `sts.AssumeRole`, `lambda.Invoke`, `opensearch.Bulk`.
 * A request that is not signed is `opensearch.Bulk` on a _bulk path, `http` otherwise (the HTTP
 * sink's and the fake AWS endpoint's control routes and moto's own API have names of their own, so
 * they are never targets).
 */
export function operationOf(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): string {
  const { pathname, searchParams } = new URL(url, 'http://proxy');
  const signingName = CREDENTIAL_SCOPE.exec(String(headers.authorization ?? ''))?.[1];
  if (signingName === undefined) {
    if (pathname.startsWith(`${CONTROL_PREFIX}/`)) return 'http.control';
    if (pathname.startsWith(`${FAKE_CONTROL_PREFIX}/`)) return 'fake.control';
    if (pathname.startsWith('/moto-api/')) return 'moto.api';
    return restOperation('opensearch', method, pathname) === 'Bulk' ? 'opensearch.Bulk' : 'http';
  }
  const service = SERVICE_NAMES[signingName] ?? signingName;
  return `${service}.${awsOperation(service, method, pathname, searchParams, headers, body)}`;
}

function awsOperation(
  service: string,
  method: string,
  pathname: string,
  searchParams: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = searchParams.get('Action') ?? formAction(headers, body);
  if (action) return action;
  const rpcV2 = RPC_V2_PATH.exec(pathname);
  if (rpcV2) return rpcV2[1]!;
  return restOperation(service, method, pathname) ?? method;
}

function restOperation(service: string, method: string, pathname: string): string | undefined {
  return REST_OPERATIONS[service]?.find((rest) => rest.methods.includes(method) && rest.path.test(pathname))?.operation;
}

function formAction(headers: IncomingHttpHeaders, body: Buffer): string | null {
  if (!String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return null;
  return new URLSearchParams(body.toString('utf8')).get('Action');
}
