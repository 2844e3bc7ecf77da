import type { FanoutRecord } from '../records/index.js';
import type { Logger } from '../log/logger.js';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsClientConstructor, AwsSdkClient, OwnEndpoint } from '../aws/clients.js';
import type { TargetOptions, TypeSpecificField } from './options.js';

/**
 * What one call of a target's API takes at most (today's AWS figures for AWS APIs): the type's,
 * or its destination's own where that sets them (see `Sender.limits`).
 */
export interface BatchLimits {
  maxEntries: number;
  maxBatchBytes: number;
  maxEntryBytes: number;
}

/** One message, document or command: the unit a target's API accepts or refuses. */
export interface Entry {
  /** The records whose content this entry carries (one, or several when collapsed). */
  readonly records: readonly FanoutRecord[];
  readonly body: Buffer;
  /** Bytes counted against the API's limits (the body and whatever else the API counts, e.g. a key). */
  readonly size: number;
}

export interface Rejection {
  readonly records: readonly FanoutRecord[];
  readonly reason: string;
}

export interface Encoded {
  entries: Entry[];
  rejected: Rejection[];
}

export type EntryOutcome =
  | { status: 'delivered' }
  /** Worth sending again: throttling, a 5xx, a network error, a per-entry failure of a batch API. */
  | { status: 'retryable'; reason: string }
  /** Sending it again cannot succeed (e.g. the destination refused its content). */
  | { status: 'rejected'; reason: string };

export interface Sender {
  /**
   * Sends one batch; returns one outcome per entry, in order. Throwing means every entry is
   * retryable. `signal` aborts when the invocation's time is up: pass it to the request.
   */
  send(batch: readonly Entry[], signal: AbortSignal): Promise<EntryOutcome[]>;
  /**
   * The limits of this destination, for a target whose destination sets its own (a Kinesis
   * stream's maximum record size); without it the type's `limits` apply. Asked before each
   * delivery, so the sender keeps what it read. Throwing fails the target's records for this
   * invocation (they are retried as any failed record).
   */
  limits?(signal: AbortSignal): Promise<BatchLimits>;
  /** Closes connections the sender keeps (Redis, memcached, OpenSearch), when its target changes. */
  close?(): Promise<void>;
}

export interface SenderContext<Destination> {
  destination: Destination;
  target: TargetOptions;
  log: Logger;
  /**
   * An AWS SDK client for this target: in its `region` (else `destinationRegion`, else the function's)
   * and with its `role` assumed when it has one. Clients are cached.
   */
  awsClient<Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, destinationRegion?: string, ownEndpoint?: OwnEndpoint): Client;
  /** The scope `awsClient` uses, for code that signs its own requests: region and credentials (the role's when set), and where to send. */
  awsScope(destinationRegion?: string, ownEndpoint?: OwnEndpoint): { region: string; credentials: AwsCredentialIdentityProvider; endpoint?: string };
}

export type CreateSender<Destination> = (context: SenderContext<Destination>) => Sender;

/** Everything the pipeline knows of a kind of target. Its client code loads only when first used. */
export interface TargetType<Destination = unknown, Aws extends boolean = boolean> {
  /** The `type` of its rows (its key in the registry). */
  readonly name: string;
  /** The destination's expected form, shown when a destination does not parse. */
  readonly destinationFormat: string;
  /** Checks and parses a destination; throws an Error saying what is wrong. */
  parseDestination(raw: string): Destination;
  /** The API's limits: what a destination takes unless its sender says otherwise. */
  readonly limits: BatchLimits;
  /** Whether `collapse` applies (it defaults to JSON where it does). */
  readonly collapsible: boolean;
  /** Whether this is an AWS API (so `role`, `externalId` and `region` apply, and the console grants the function its send). */
  readonly aws: Aws;
  /** Row fields only this kind of target takes (e.g. http's `authorizationEnv`). */
  readonly extraFields?: readonly TypeSpecificField[];
  /** Records -> entries; an entry made of several records (collapsed) stays within `limits.maxEntryBytes`. */
  encode(records: readonly FanoutRecord[], target: TargetOptions, limits: BatchLimits): Encoded;
  loadSender(): Promise<CreateSender<Destination>>;
}

const DELIVERED: EntryOutcome = Object.freeze({ status: 'delivered' });

/** One outcome shared by every delivered entry: nothing is made per entry in the healthy state. */
export function delivered(): EntryOutcome {
  return DELIVERED;
}

export function retryable(reason: string): EntryOutcome {
  return { status: 'retryable', reason };
}

export function rejected(reason: string): EntryOutcome {
  return { status: 'rejected', reason };
}
