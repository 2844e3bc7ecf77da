import { Agent } from 'node:https';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** The AWS CLI's global options, as every command takes them. */
export interface AwsOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  verifySsl: boolean;
  debug: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every SDK client class takes its own config type
type ClientConstructor<Client> = new (config: any) => Client;

export interface ClientScope {
  region?: string | undefined;
  credentials?: AwsCredentialIdentityProvider | undefined;
}

/**
 * SDK clients configured as the AWS CLI would be: --region, --profile, --endpoint-url and
 * --no-verify-ssl when given, else the SDK's own chain (environment, profiles, SSO, AWS_ENDPOINT_URL).
 */
export class AwsSession {
  private readonly clients = new Map<string, unknown>();
  private account: Promise<string> | undefined;

  constructor(readonly options: AwsOptions) {}

  client<Client>(constructor: ClientConstructor<Client>, scope: ClientScope = {}): Client {
    const region = scope.region ?? this.options.region;
    const key = `${constructor.name}|${region ?? ''}|${scope.credentials ? 'assumed' : 'own'}`;
    const cached = scope.credentials ? undefined : (this.clients.get(key) as Client | undefined);
    if (cached) return cached;
    const client = new constructor({
      ...(region ? { region } : {}),
      ...(this.options.profile && !scope.credentials ? { profile: this.options.profile } : {}),
      ...(scope.credentials ? { credentials: scope.credentials } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
      // HTTP/1.1 for every client (the SDK's Kinesis client would use HTTP/2, which some endpoints refuse)
      requestHandler: new NodeHttpHandler(this.options.verifySsl ? {} : { httpsAgent: new Agent({ rejectUnauthorized: false }) }),
      ...(this.options.debug ? { logger: debugLogger } : {}),
    });
    if (!scope.credentials) this.clients.set(key, client);
    return client;
  }

  /** The region commands act in: --region, else the SDK's configured one. */
  async region(): Promise<string> {
    return this.client(STSClient).config.region();
  }

  /** Where requests go when not to AWS itself: --endpoint-url, else AWS_ENDPOINT_URL (which the SDK honours too). */
  endpoint(): string | undefined {
    return this.options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
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
      ...(this.options.profile ? { masterCredentials: fromIni({ profile: this.options.profile }) } : {}),
      clientConfig: {
        ...(this.options.region ? { region: this.options.region } : {}),
        ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
      },
    });
  }
}

const debugLogger = {
  debug: (...content: unknown[]) => console.error('[debug]', ...content),
  info: (...content: unknown[]) => console.error('[info]', ...content),
  warn: (...content: unknown[]) => console.error('[warn]', ...content),
  error: (...content: unknown[]) => console.error('[error]', ...content),
};
