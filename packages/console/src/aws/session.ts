import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AwsError, NO_REGION_MESSAGE } from '../errors.js';
import { debugLogger, exchangeLogging, instrument, requestHandler, RetriesWhileReachable, type RequestSettings } from './requests.js';
import type { AwsClientDefaults, AwsSdkClient } from '@fanout/runtime/local';

/** The AWS CLI's global options, as every command takes them. */
export interface AwsOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  verifySsl: boolean;
  debug: boolean;
  /** Credentials instead of the SDK's chain (and of --profile): --local's made-up keys. */
  credentials?: AwsCredentialIdentityProvider | undefined;
  /** Set when endpointUrl is AWS_ENDPOINT_URL's rather than --endpoint-url's (--local fills it in), so that messages name the right one. */
  endpointFrom?: 'AWS_ENDPOINT_URL' | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every SDK client class takes its own config type
type ClientConstructor<Client> = new (config: any) => Client;

export interface ClientScope {
  region?: string | undefined;
  credentials?: AwsCredentialIdentityProvider | undefined;
  /** S3: the bucket in the path rather than in the host name, as an endpoint that is not AWS's (a moto) needs. */
  forcePathStyle?: boolean | undefined;
}

/**
 * SDK clients configured as the AWS CLI would be: --region, --profile, --endpoint-url and
 * --no-verify-ssl when given, else the SDK's own chain (environment, profiles, SSO, AWS_ENDPOINT_URL).
 */
export class AwsSession {
  private readonly clients = new Map<string, unknown>();
  private account: Promise<string> | undefined;

  constructor(readonly options: AwsOptions) {}

  client<Client extends AwsSdkClient>(constructor: ClientConstructor<Client>, scope: ClientScope = {}): Client {
    const region = scope.region ?? this.options.region;
    const key = `${constructor.name}|${region ?? ''}|${scope.credentials ? 'assumed' : 'own'}|${scope.forcePathStyle ? 'path' : 'host'}`;
    const cached = scope.credentials ? undefined : (this.clients.get(key) as Client | undefined);
    if (cached) return cached;
    const credentials = scope.credentials ?? this.options.credentials;
    const client: Client = new constructor({
      ...(region ? { region } : {}),
      ...(this.options.profile && !credentials ? { profile: this.options.profile } : {}),
      ...(credentials ? { credentials } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
      ...(scope.forcePathStyle ? { forcePathStyle: true } : {}),
      ...this.connection(() => client.config.maxAttempts()),
    });
    instrument(client, this.requestSettings());
    if (!scope.credentials) this.clients.set(key, client);
    return client;
  }

  /** How every client connects: the request handler, retries (of as many attempts as the client's own setting), --debug's logger. */
  private connection(maxAttempts: () => Promise<number>) {
    return {
      requestHandler: requestHandler(this.options.verifySsl),
      retryStrategy: new RetriesWhileReachable(maxAttempts),
      ...(this.options.debug ? { logger: debugLogger } : {}),
    };
  }

  private requestSettings(): RequestSettings {
    const { verifySsl, debug, endpointUrl, endpointFrom, profile } = this.options;
    const named = endpointUrl ? (endpointFrom ?? '--endpoint-url') : process.env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
    return { verifySsl, debug, endpointFrom: named, profile: profile ?? process.env.AWS_PROFILE };
  }

  /** The region commands act in: --region, else the SDK's configured one. */
  async region(): Promise<string> {
    return this.client(STSClient)
      .config.region()
      .catch((cause: unknown) => {
        throw new AwsError('no-region', NO_REGION_MESSAGE, { cause });
      });
  }

  /** Where requests go when not to AWS itself: --endpoint-url, else AWS_ENDPOINT_URL (which the SDK honours too). */
  endpoint(): string | undefined {
    return this.options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  }

  /**
   * The runtime's clients (the local mode) configured as this session's: endpoint, credentials,
   * --no-verify-ssl and --debug, the same retries, and their errors told the same way.
   */
  clientDefaults(): AwsClientDefaults {
    const { profile, credentials, verifySsl, debug } = this.options;
    const settings = this.requestSettings();
    return {
      endpoint: this.endpoint(),
      profile,
      credentials,
      verifySsl,
      ...(debug ? { logger: debugLogger } : {}),
      instrumentation: {
        retryStrategy: (maxAttempts) => new RetriesWhileReachable(maxAttempts),
        instrument: (client) => instrument(client, settings),
        credentialClientPlugins: debug ? [exchangeLogging] : [],
      },
    };
  }

  /** The account of the caller's credentials. */
  accountId(): Promise<string> {
    this.account ??= this.client(STSClient)
      .send(new GetCallerIdentityCommand({}))
      .then(({ Account }) => Account ?? '');
    return this.account;
  }

  /** Credentials of a role assumed with the caller's own (for a destination in another account). */
  assumedRole(roleArn: string, externalId?: string): AwsCredentialIdentityProvider {
    return fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'fanout-console', ...(externalId ? { ExternalId: externalId } : {}) },
      ...(this.options.credentials ? { masterCredentials: this.options.credentials } : this.options.profile ? { masterCredentials: fromIni({ profile: this.options.profile }) } : {}),
      clientConfig: {
        ...(this.options.region ? { region: this.options.region } : {}),
        ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
        requestHandler: requestHandler(this.options.verifySsl),
      },
      ...(this.options.debug ? { clientPlugins: [exchangeLogging] } : {}),
    });
  }
}
