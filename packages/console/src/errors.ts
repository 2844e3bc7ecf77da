/** Bad input: one line naming the flag and the expected form; exit code 2, nothing changed. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A resource named by a flag that does not exist: bad input too, said naming the flag (exit code 2). */
export class NotFoundError extends UsageError {
  override name = 'NotFoundError';
}

/** What stopped an AWS request before AWS could answer it, in the kinds a user acts on differently. */
export type AwsErrorKind = 'no-credentials' | 'no-region' | 'unreachable' | 'not-this-api';

/** An AWS request that could not be made, or whose answer is not its API's, said in one line; exit code 1. */
export class AwsError extends Error {
  override name = 'AwsError';

  constructor(
    readonly kind: AwsErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Every kind of error a command or the app reports, each with its message and exit code. */
export type ErrorKind = 'usage' | 'not-found' | AwsErrorKind | 'access-denied' | 'expired-session' | 'aws';

export const EXIT_OK = 0;
export const EXIT_AWS_ERROR = 1;
export const EXIT_USAGE = 2;

/** Where a request went, for its messages: the service, the endpoint, and who named them. */
export interface RequestPlace {
  /** The SDK's service id: `DynamoDB`, `Lambda`, … */
  service?: string | undefined;
  /** host[:port] of the endpoint. */
  host?: string | undefined;
  /** Who named the endpoint; none for AWS's own (of the region). */
  endpointFrom?: '--endpoint-url' | 'AWS_ENDPOINT_URL' | undefined;
  /** The profile the credentials were looked for in. */
  profile?: string | undefined;
}

export const NO_REGION_MESSAGE = 'no AWS region: pass --region or set AWS_REGION (or a region in your profile)';

function noCredentialsMessage(profile: string | undefined): string {
  return profile
    ? `no AWS credentials found for profile ${profile}: add it to ~/.aws/config or ~/.aws/credentials (aws configure --profile ${profile}), run \`aws sso login --profile ${profile}\`, or pass another --profile`
    : 'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile';
}

/** Errors of Node.js's network code, by what a user is told. */
const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'no such host',
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'no network',
};

/** Connection lost after it was made: a kept-alive socket the server closed, worth the SDK's retry. */
const CONNECTION_LOSSES: Readonly<Record<string, string>> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
};

/** Codes of a certificate refused: OpenSSL's checks (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`, …), Node.js's host name check. */
export const CERTIFICATE_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;
/** Codes of any other TLS failure: no TLS spoken there (an http:// port), a protocol refused. */
const TLS_FAILURE = /^ERR_(TLS|SSL)_|^EPROTO$/;
/** The reason in OpenSSL's error text (`…:SSL routines:tls_validate_record_header:wrong version number:…`), the rest being its internals. */
const OPENSSL_REASON = /SSL routines:[^:]*:([^:]+)/;

/** The SDK's name for an error answer that names no error of the API: it was not that API answering. */
const UNNAMED_SERVICE_ERRORS = new Set(['Unknown', 'UnknownError']);

interface SdkErrorFields {
  code?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  $fault?: unknown;
  $response?: { statusCode?: number; headers?: Record<string, string> };
  $metadata?: { httpStatusCode?: number };
}

/** Why no answer came: the words for it, and which part of the connection failed. */
interface ConnectionFailure {
  reason: string;
  part: 'network' | 'lost' | 'certificate' | 'tls';
}

function connectionFailure(error: Error & SdkErrorFields): ConnectionFailure | undefined {
  if (error.$metadata?.httpStatusCode !== undefined) return undefined;
  const code = typeof error.code === 'string' ? error.code : '';
  if (code in CONNECTION_FAILURES) return { reason: CONNECTION_FAILURES[code]!, part: 'network' };
  if (code in CONNECTION_LOSSES) return { reason: CONNECTION_LOSSES[code]!, part: 'lost' };
  if (CERTIFICATE_FAILURE.test(code)) return { reason: `certificate: ${error.message}`, part: 'certificate' };
  if (TLS_FAILURE.test(code)) return { reason: `TLS: ${OPENSSL_REASON.exec(error.message)?.[1] ?? code}`, part: 'tls' };
  // the request handler's: no connection (or no answer) within its timeout
  if (error.name === 'TimeoutError') return { reason: 'timed out', part: 'network' };
  return undefined;
}

/** Whether a request's error is that it reached nothing to take it: no host, nothing listening, no network, a certificate or TLS refused. */
export function isConnectionFailure(error: unknown): boolean {
  const failure = error instanceof Error ? connectionFailure(error) : undefined;
  return failure !== undefined && failure.part !== 'lost';
}

function connectionFix({ part }: ConnectionFailure, place: RequestPlace): string {
  if (part === 'certificate') return 'trust its certificate (NODE_EXTRA_CA_CERTS=FILE), or pass --no-verify-ssl for a local endpoint';
  if (!place.endpointFrom) return 'check --region and your network';
  return `check ${place.endpointFrom}${part === 'tls' ? ' (http:// or https://?)' : ''}`;
}

/** Whether the endpoint answered, but not as the API does: an HTML page, another service's XML. */
function isOtherApiAnswer(error: Error & SdkErrorFields): boolean {
  // an answer the SDK could not read carries it as $response, without the $fault of the service's own errors
  if (error.$response !== undefined && error.$fault === undefined) return true;
  return error.$fault !== undefined && UNNAMED_SERVICE_ERRORS.has(error.name);
}

function hostOf(error: Error & SdkErrorFields, place: RequestPlace): string {
  if (place.host) return place.host;
  if (typeof error.hostname === 'string') return error.hostname;
  if (typeof error.address === 'string') return typeof error.port === 'number' ? `${error.address}:${error.port}` : error.address;
  return 'the AWS endpoint';
}

/**
 * The SDK's error as an AwsError of its kind when it is one (by the error's name, its Node.js code,
 * whether an answer came), said in one line naming the endpoint; any other error as it is.
 */
export function classifyAwsError(error: unknown, place: RequestPlace = {}): unknown {
  if (!(error instanceof Error) || error instanceof AwsError || error instanceof UsageError) return error;
  const sdkError = error as Error & SdkErrorFields;
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return new AwsError('no-credentials', noCredentialsMessage(place.profile), { cause: error });
  }
  const failure = connectionFailure(sdkError);
  if (failure !== undefined) {
    return new AwsError('unreachable', `cannot reach ${hostOf(sdkError, place)} (${failure.reason}): ${connectionFix(failure, place)}`, { cause: error });
  }
  if (isOtherApiAnswer(sdkError)) {
    const service = place.service ?? 'AWS';
    const status = sdkError.$response?.statusCode ?? sdkError.$metadata?.httpStatusCode;
    const contentType = sdkError.$response?.headers?.['content-type'];
    const answer = [status === undefined ? undefined : `HTTP ${status}`, contentType].filter(Boolean).join(', ');
    const fix = place.endpointFrom
      ? `point ${place.endpointFrom} at an endpoint that serves ${service} too (moto serves every service; an emulator of one service does not)`
      : 'check your network: something other than AWS answers for it';
    return new AwsError('not-this-api', `${hostOf(sdkError, place)} does not answer as the ${service} API${answer ? ` (${answer})` : ''}: ${fix}`, { cause: error });
  }
  return error;
}

/** The kind of an error, as the commands and the app tell them apart. */
export function errorKind(error: unknown): ErrorKind {
  const classified = classifyAwsError(error);
  if (classified instanceof NotFoundError) return 'not-found';
  if (classified instanceof UsageError) return 'usage';
  if (classified instanceof AwsError) return classified.kind;
  const name = classified instanceof Error ? classified.name : '';
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/.test(name)) return 'access-denied';
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken') return 'expired-session';
  return 'aws';
}

/** For the app: whether this is "no AWS credentials found", which it answers with how to provide them. */
export function isNoCredentials(error: unknown): boolean {
  return errorKind(error) === 'no-credentials';
}

/** The exit code of a command that ends with this error: 2 for bad input (a resource it names that does not exist too), 1 for AWS's. */
export function exitCodeOf(error: unknown): number {
  const kind = errorKind(error);
  return kind === 'usage' || kind === 'not-found' ? EXIT_USAGE : EXIT_AWS_ERROR;
}

/** What went wrong, as one line: bad input as it was said, an AWS error in plain words. */
export function describeError(error: unknown): string {
  const classified = classifyAwsError(error);
  if (!(classified instanceof Error)) return String(classified);
  const firstLine = classified.message.split('\n')[0]!.trim();
  switch (errorKind(classified)) {
    case 'usage':
    case 'not-found':
    case 'no-credentials':
    case 'no-region':
    case 'unreachable':
    case 'not-this-api':
      return firstLine;
    case 'access-denied':
      return `access denied: ${firstLine}`;
    case 'expired-session':
      return `your AWS session has expired: ${firstLine}`;
    case 'aws':
      return `${classified.name}: ${firstLine}`;
  }
}

/** describeError, under the name the interactive app calls it by. */
export const describeAwsError = describeError;
