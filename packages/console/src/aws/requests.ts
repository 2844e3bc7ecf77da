import { Agent } from 'node:https';
import { inspect } from 'node:util';
import type { DeserializeMiddleware, HandlerExecutionContext, InitializeMiddleware, Logger, Pluggable, RetryErrorInfo, StandardRetryToken } from '@aws-sdk/types';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsSdkClient } from '@fanout/runtime/local';
import { AwsError, NO_REGION_MESSAGE, classifyAwsError, isConnectionFailure, type RequestPlace } from '../errors.js';

/**
 * How long a connection may take to be made (DNS included): a host that does not resolve, or that
 * no packet reaches, fails a command within seconds rather than after the SDK's retries of it.
 */
export const CONNECTION_TIMEOUT_MS = 3_000;

/** What every client of the session is made with, and what is added to its middleware. */
export interface RequestSettings {
  verifySsl: boolean;
  debug: boolean;
  /** Who named the endpoint, for messages; none when requests go to AWS's own. */
  endpointFrom: RequestPlace['endpointFrom'];
  profile: string | undefined;
}

/** The request handler of every client: HTTP/1.1 (the SDK's Kinesis client would use HTTP/2, which some endpoints refuse), the connection timeout, --no-verify-ssl. */
export function requestHandler(verifySsl: boolean): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: CONNECTION_TIMEOUT_MS, ...(verifySsl ? {} : { httpsAgent: new Agent({ rejectUnauthorized: false }) }) });
}

/**
 * The SDK's standard retries, except of a client's requests before its endpoint has ever answered:
 * a request that reached nothing (no such host, nothing listening, no network, a certificate
 * refused) is said at once rather than tried again for seconds. Once the endpoint has answered,
 * a connection that fails is retried as the SDK does (a server restarting, or too busy to accept),
 * as a long run such as local's poller needs. A connection reset is always retried.
 */
export class RetriesWhileReachable extends StandardRetryStrategy {
  private answered = false;

  override async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    if (!isConnectionFailure(errorInfo.error)) this.answered = true;
    else if (!this.answered) throw errorInfo.error;
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }

  override recordSuccess(token: StandardRetryToken): void {
    this.answered = true;
    super.recordSuccess(token);
  }
}

/** Adds what every client of the session does to its middleware: its errors classified, and with --debug each HTTP request and response logged. */
export function instrument(client: AwsSdkClient, settings: RequestSettings): void {
  client.middlewareStack.add(classifiedErrors(client, settings), { step: 'initialize', priority: 'high', name: 'fanoutClassifiedErrors' });
  if (settings.debug) exchangeLogging.applyToStack(client.middlewareStack);
}

/** --debug, for a client the session does not make itself (an assumed role's STS): each HTTP request and response logged. */
export const exchangeLogging: Pluggable<object, object> = {
  // innermost: each attempt, signed, as it is sent, and the answer as it comes
  applyToStack: (stack) => stack.add(loggedExchanges, { step: 'deserialize', priority: 'low', name: 'fanoutLoggedExchanges' }),
};

/**
 * A command's error as the user is told it (no credentials, no region, an endpoint unreachable or
 * answering another API), named with its service and endpoint; the service's own errors as they are.
 */
function classifiedErrors(client: AwsSdkClient, settings: RequestSettings): InitializeMiddleware<object, object> {
  return (next, context) => async (args) => {
    await client.config.region().catch((cause: unknown) => {
      // the SDK's region provider fails only for want of one
      throw new AwsError('no-region', NO_REGION_MESSAGE, { cause });
    });
    try {
      return await next(args);
    } catch (error) {
      throw classifyAwsError(error, {
        service: client.config.serviceId,
        host: context.endpointV2?.url.host,
        endpointFrom: settings.endpointFrom,
        profile: settings.profile,
      });
    }
  };
}

/** Names of fields that hold a credential: SecretAccessKey, SessionToken, accessToken, Password, X-Amz-Signature, … (not NextToken). */
const SECRET_FIELD = /secret|password|passphrase|(session|access|refresh|id|auth|security|identity)-?token|signature|samlassertion|^authorization$|^cookie$/i;

const MASK = '***';

/** A plain object or array with every secret field masked, at any depth; an error as its name and message; anything else as it is. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([field, inner]) => [field, SECRET_FIELD.test(field) && inner !== undefined ? MASK : withoutSecrets(inner)]),
  );
}

/** Text with the secrets it may carry masked: the signature and token of a signed URL or an Authorization header, a URL's password. */
function withoutSecretText(text: string): string {
  return text
    .replace(/(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s'"]+/gi, `$1${MASK}`)
    .replace(/(Signature=)[0-9a-f]+/gi, `$1${MASK}`)
    .replace(/\/\/[^/@\s'"]*@/g, `//${MASK}@`);
}

/** What is logged, as a line or lines for people: whole values, on lines as long as a terminal's. */
function logged(value: unknown): string {
  return withoutSecretText(typeof value === 'string' ? value : inspect(withoutSecrets(value), { depth: 10, breakLength: 120 }));
}

const logLine = (label: string, ...content: unknown[]): void => console.error(`[${label}]`, ...content.map(logged));

function urlOf(request: HttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  const query = new URLSearchParams(
    Object.entries(request.query ?? {}).flatMap(([name, value]): Array<[string, string]> => (Array.isArray(value) ? value.map((one) => [name, one]) : [[name, value ?? '']])),
  ).toString();
  return `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ''}`;
}

const operationOf = (context: HandlerExecutionContext) => `${context.clientName ?? ''} ${context.commandName ?? ''}`.trim();

/** --debug: each HTTP request (method, URL, headers) as it is sent, and its answer (status, time, headers) or its failure. */
const loggedExchanges: DeserializeMiddleware<object, object> = (next, context) => async (args) => {
  if (!HttpRequest.isInstance(args.request)) return next(args);
  const operation = operationOf(context);
  logLine('request', `${args.request.method} ${urlOf(args.request)} ${operation}`, args.request.headers);
  const started = performance.now();
  const took = () => `in ${Math.round(performance.now() - started)} ms`;
  try {
    const result = await next(args);
    const response = result.response;
    if (HttpResponse.isInstance(response)) logLine('response', `${response.statusCode} ${took()} ${operation}`, response.headers);
    return result;
  } catch (error) {
    logLine('response', `failed ${took()} ${operation}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
};

/**
 * --debug: the SDK's logger, to stderr: its record of each command (input and output, with the
 * fields its models mark sensitive masked; every field named as a secret is masked here too, as
 * STS's SessionToken is not marked), its warnings and errors. Its debug level is the SDK's own
 * workings (the credential chain tried link by link, endpoint rules, settings not found), left out.
 */
export const debugLogger: Logger = {
  debug: () => undefined,
  info: (...content) => logLine('info', ...content),
  warn: (...content) => logLine('warn', ...content),
  error: (...content) => logLine('error', ...content),
};
