import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** Any AWS SDK v3 client class. */
export type AwsClientConstructor<Client> = new (config: AwsClientOptions) => Client;

export interface AwsClientOptions {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  endpoint?: string;
  profile?: string;
}

/**
 * What every client gets besides the SDK's own chain: the local mode passes the console's
 * --endpoint-url and --profile here; in Lambda there is nothing to pass.
 */
export interface AwsClientDefaults {
  endpoint?: string | undefined;
  profile?: string | undefined;
}

export interface AwsScope {
  region: string;
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

  get<Client>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    const key = JSON.stringify([constructor.name, scope.region, scope.role ?? '', scope.externalId ?? '']);
    let client = this.clients.get(key) as Client | undefined;
    if (!client) {
      const { endpoint, profile } = this.defaults;
      client = new constructor({
        region: scope.region,
        ...(endpoint ? { endpoint } : {}),
        ...(scope.role ? { credentials: this.credentialsFor(scope.role, scope.externalId, scope.region) } : profile ? { profile } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Credentials for code that signs its own requests (e.g. the OpenSearch client): the role's, else the default chain's. */
  credentials(scope: AwsScope): AwsCredentialIdentityProvider {
    if (scope.role) return this.credentialsFor(scope.role, scope.externalId, scope.region);
    this.defaultCredentials ??= defaultProvider(this.defaults.profile ? { profile: this.defaults.profile } : {});
    return this.defaultCredentials;
  }

  private credentialsFor(role: string, externalId: string | undefined, region: string): AwsCredentialIdentityProvider {
    const key = JSON.stringify([role, externalId ?? '']);
    let provider = this.roleCredentials.get(key);
    if (!provider) {
      const { endpoint, profile } = this.defaults;
      provider = fromTemporaryCredentials({
        params: { RoleArn: role, RoleSessionName: this.sessionName, ...(externalId ? { ExternalId: externalId } : {}) },
        ...(profile ? { masterCredentials: defaultProvider({ profile }) } : {}),
        clientConfig: { region, ...(endpoint ? { endpoint } : {}) },
      });
      this.roleCredentials.set(key, provider);
    }
    return provider;
  }
}
