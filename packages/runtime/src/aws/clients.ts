import { Agent } from 'node:https';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider, Logger, MiddlewareStack, Pluggable, RetryStrategyV2 } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The SDK's clients have no timeouts of their own: a connection not made, or a request not
 * answered, this long fails the request, for every call of the function (the targets table, the
 * progress table, metrics; a delivery's own per-send timeout is REQUEST_TIMEOUT_MS).
 */
export const SDK_CONNECTION_TIMEOUT_MS = 3_000;
export const SDK_REQUEST_TIMEOUT_MS = 10_000;

/** What is used of an AWS SDK v3 client besides its commands: its middleware, and the settings its errors are told with. */
export interface AwsSdkClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every client's stack has its own input and output types
  middlewareStack: MiddlewareStack<any, any>;
  config: { serviceId: string; region(): Promise<string>; maxAttempts(): Promise<number> };
}

/** Any AWS SDK v3 client class. */
export type AwsClientConstructor<Client extends AwsSdkClient> = new (config: AwsClientOptions) => Client;

export interface AwsClientOptions {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  endpoint?: string;
  profile?: string;
  requestHandler?: NodeHttpHandler;
  logger?: Logger;
  retryStrategy?: RetryStrategyV2;
}

/**
 * What every client gets besides the SDK's own chain: the local mode passes the console's
 * --endpoint-url, --profile (or --local's credentials), --no-verify-ssl and --debug here; in
 * Lambda there is nothing to pass.
 */
export interface AwsClientDefaults {
  endpoint?: string | undefined;
  profile?: string | undefined;
  /** Credentials instead of the SDK's chain (and of `profile`), also as the master credentials of assumed roles. */
  credentials?: AwsCredentialIdentityProvider | undefined;
  /** false: the endpoint's TLS certificate is not verified (over HTTP/1.1, as the console's clients). */
  verifySsl?: boolean | undefined;
  /** Where the SDK logs every request and response. */
  logger?: Logger | undefined;
  /** What the console does to its own clients, done to these too: its retries, its middleware. */
  instrumentation?: ClientInstrumentation | undefined;
}

/** The console's ways with its clients (the local mode), for the runtime's to behave as the console's do. */
export interface ClientInstrumentation {
  /** Each client's retry strategy instead of the SDK's standard one, given the client's configured attempts. */
  retryStrategy(maxAttempts: () => Promise<number>): RetryStrategyV2;
  /** Adds middleware to a client made (errors told as the console tells them, --debug's request and response lines). */
  instrument(client: AwsSdkClient): void;
  /** Plugins of the STS clients the SDK makes to renew an assumed role's credentials. */
  credentialClientPlugins: Pluggable<object, object>[];
}

/**
 * The endpoint a target's row names for its service (an IoT data endpoint, an OpenSearch domain),
 * and the service's name in the SDK's endpoint variables (`AWS_ENDPOINT_URL_<service>`).
 */
export interface OwnEndpoint {
  url: string;
  service: string;
}

const AWS_HOST = /\.amazonaws\.com(?:\.cn)?$/;

export interface AwsScope {
  region: string;
  /** Where the client sends, instead of where the SDK's configuration says. */
  endpoint?: string | undefined;
  /** A role to assume (another account, or narrower rights). */
  role?: string | undefined;
  externalId?: string | undefined;
}

/**
 * SDK clients cached per (service, region, role). Endpoints, retries and the default credentials
 * come from the SDK's own configuration chain (AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS, profiles...).
 * Assumed-role credentials come from STS AssumeRole and are renewed by the SDK before they expire.
 */
export class AwsClients {
  private readonly clients = new Map<string, unknown>();
  private readonly roleCredentials = new Map<string, AwsCredentialIdentityProvider>();
  private defaultCredentials: AwsCredentialIdentityProvider | undefined;

  constructor(
    private readonly sessionName: string,
    private readonly defaults: AwsClientDefaults = {},
  ) {}

  get<Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    const key = JSON.stringify([constructor.name, scope.region, scope.role ?? '', scope.externalId ?? '', scope.endpoint ?? '']);
    const cached = this.clients.get(key) as Client | undefined;
    if (cached) return cached;
    const { profile, credentials, instrumentation } = this.defaults;
    const client: Client = new constructor({
      region: scope.region,
      ...this.connection(),
      ...(scope.endpoint ? { endpoint: scope.endpoint } : {}),
      ...(scope.role ? { credentials: this.credentialsFor(scope.role, scope.externalId, scope.region) } : credentials ? { credentials } : profile ? { profile } : {}),
      ...(instrumentation ? { retryStrategy: instrumentation.retryStrategy(() => client.config.maxAttempts()) } : {}),
    });
    instrumentation?.instrument(client);
    this.clients.set(key, client);
    return client;
  }

  /**
   * Where a target that names its own endpoint sends: an AWS host in its row goes where every
   * client goes when an endpoint is configured (--endpoint-url in local mode, the SDK's
   * `AWS_ENDPOINT_URL[_<service>]`), so that a row written for AWS works against an emulator;
   * any other host (a local OpenSearch) is where the row says.
   */
  endpointFor({ url, service }: OwnEndpoint): string {
    if (!AWS_HOST.test(new URL(url).hostname)) return url;
    const { env } = process;
    const configured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : (env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL);
    return this.defaults.endpoint ?? configured ?? url;
  }

  /** Credentials for code that signs its own requests (e.g. the OpenSearch client): the role's, else the default chain's. */
  credentials(scope: AwsScope): AwsCredentialIdentityProvider {
    if (scope.role) return this.credentialsFor(scope.role, scope.externalId, scope.region);
    this.defaultCredentials ??= this.defaults.credentials ?? defaultProvider(this.defaults.profile ? { profile: this.defaults.profile } : {});
    return this.defaultCredentials;
  }

  /** Where and how every client (STS's for assumed roles too) connects: timeouts always, the rest when the defaults say. */
  private connection(): Pick<AwsClientOptions, 'endpoint' | 'requestHandler' | 'logger'> {
    const { endpoint, verifySsl, logger } = this.defaults;
    return {
      ...(endpoint ? { endpoint } : {}),
      // a handler of its own per client: a client's destroy() closes its handler's connections
      requestHandler: new NodeHttpHandler({
        connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
        requestTimeout: SDK_REQUEST_TIMEOUT_MS,
        // without it a request past its timeout is only warned about
        throwOnRequestTimeout: true,
        socketTimeout: SDK_REQUEST_TIMEOUT_MS,
        ...(verifySsl === false ? { httpsAgent: new Agent({ rejectUnauthorized: false }) } : {}),
      }),
      ...(logger ? { logger } : {}),
    };
  }

  private credentialsFor(role: string, externalId: string | undefined, region: string): AwsCredentialIdentityProvider {
    const key = JSON.stringify([role, externalId ?? '']);
    let provider = this.roleCredentials.get(key);
    if (!provider) {
      const { profile, credentials } = this.defaults;
      const masterCredentials = credentials ?? (profile ? defaultProvider({ profile }) : undefined);
      provider = fromTemporaryCredentials({
        params: { RoleArn: role, RoleSessionName: this.sessionName, ...(externalId ? { ExternalId: externalId } : {}) },
        ...(masterCredentials ? { masterCredentials } : {}),
        clientConfig: { region, ...this.connection() },
        ...(this.defaults.instrumentation ? { clientPlugins: this.defaults.instrumentation.credentialClientPlugins } : {}),
      });
      this.roleCredentials.set(key, provider);
    }
    return provider;
  }
}
