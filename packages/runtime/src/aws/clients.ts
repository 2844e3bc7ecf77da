import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** Any AWS SDK v3 client class. */
export type AwsClientConstructor<Client> = new (config: AwsClientOptions) => Client;

export interface AwsClientOptions {
  region: string;
  credentials?: AwsCredentialIdentityProvider;
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

  constructor(private readonly sessionName: string) {}

  get<Client>(constructor: AwsClientConstructor<Client>, scope: AwsScope): Client {
    const key = JSON.stringify([constructor.name, scope.region, scope.role ?? '', scope.externalId ?? '']);
    let client = this.clients.get(key) as Client | undefined;
    if (!client) {
      client = new constructor({
        region: scope.region,
        ...(scope.role ? { credentials: this.credentialsFor(scope.role, scope.externalId, scope.region) } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Credentials for code that signs its own requests (e.g. the OpenSearch client): the role's, else the default chain's. */
  credentials(scope: AwsScope): AwsCredentialIdentityProvider {
    if (scope.role) return this.credentialsFor(scope.role, scope.externalId, scope.region);
    this.defaultCredentials ??= defaultProvider();
    return this.defaultCredentials;
  }

  private credentialsFor(role: string, externalId: string | undefined, region: string): AwsCredentialIdentityProvider {
    const key = JSON.stringify([role, externalId ?? '']);
    let provider = this.roleCredentials.get(key);
    if (!provider) {
      provider = fromTemporaryCredentials({
        params: { RoleArn: role, RoleSessionName: this.sessionName, ...(externalId ? { ExternalId: externalId } : {}) },
        clientConfig: { region },
      });
      this.roleCredentials.set(key, provider);
    }
    return provider;
  }
}
