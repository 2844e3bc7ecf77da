import { Agent } from 'node:https';
import { inspect } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider, Logger } from '@aws-sdk/types';
import { NodeHttpHandler } from '@smithy/node-http-handler';

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

/** What the runtime's own clients get to act as the session's do (its AwsClientDefaults: the local mode). */
export interface ClientDefaults {
  endpoint?: string | undefined;
  profile?: string | undefined;
  credentials?: AwsCredentialIdentityProvider | undefined;
  verifySsl: boolean;
  logger?: Logger | undefined;
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

  client<Client>(constructor: ClientConstructor<Client>, scope: ClientScope = {}): Client {
    const region = scope.region ?? this.options.region;
    const key = `${constructor.name}|${region ?? ''}|${scope.credentials ? 'assumed' : 'own'}|${scope.forcePathStyle ? 'path' : 'host'}`;
    const cached = scope.credentials ? undefined : (this.clients.get(key) as Client | undefined);
    if (cached) return cached;
    const credentials = scope.credentials ?? this.options.credentials;
    const client = new constructor({
      ...(region ? { region } : {}),
      ...(this.options.profile && !credentials ? { profile: this.options.profile } : {}),
      ...(credentials ? { credentials } : {}),
      ...(this.options.endpointUrl ? { endpoint: this.options.endpointUrl } : {}),
      ...(scope.forcePathStyle ? { forcePathStyle: true } : {}),
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

  /** The runtime's clients (the local mode) configured as this session's: endpoint, credentials, --no-verify-ssl and --debug. */
  clientDefaults(): ClientDefaults {
    const { profile, credentials, verifySsl, debug } = this.options;
    return { endpoint: this.endpoint(), profile, credentials, verifySsl, ...(debug ? { logger: debugLogger } : {}) };
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
      },
    });
  }
}

/** Names of fields that hold a credential: SecretAccessKey, SessionToken, accessToken, Password, X-Amz-Signature, … (not NextToken). */
const SECRET_FIELD = /secret|password|passphrase|(session|access|refresh|id|auth|security|identity)-?token|signature|samlassertion|^authorization$/i;

const MASK = '***';

/** A plain object or array with every secret field masked, at any depth; anything else as it is. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
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
    .replace(/(X-Amz-(?:Signature|Security-Token)=)[^&\s'"]+/gi, `$1${MASK}`)
    .replace(/(Signature=)[0-9a-f]+/gi, `$1${MASK}`)
    .replace(/\/\/[^/@\s'"]*@/g, `//${MASK}@`);
}

/** What the SDK logs, as a line or lines for people: whole responses, on lines as long as a terminal's. */
function logged(value: unknown): string {
  return withoutSecretText(typeof value === 'string' ? value : inspect(withoutSecrets(value), { depth: 10, breakLength: 120 }));
}

const logAt =
  (level: string) =>
  (...content: unknown[]): void =>
    console.error(`[${level}]`, ...content.map(logged));

/**
 * --debug: the SDK's logger, to stderr. The SDK logs each command's input and output (the request
 * and the response) with the fields its models mark sensitive masked, but not all of them are (STS's
 * SessionToken is not); so every field named as a secret is masked here too, and so is a signature
 * or a token in a signed URL and the password of a URL (a destination may carry one).
 */
const debugLogger = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
