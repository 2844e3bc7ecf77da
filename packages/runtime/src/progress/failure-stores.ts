import type { AwsClientConstructor, AwsSdkClient } from '../aws/clients.js';
import { parseFailureStore, type FailureDocument, type FailureStoreRef } from '../config/contracts.js';
// types only: the stores' code itself loads when a failure is first stored
import type { openFailureStore, S3FailureStore } from './failure-store.js';

/** One stored failure and how to take it out of its store again. */
export interface StoredFailure {
  document: FailureDocument;
  /** Takes it out of the store (after redrive delivered it). */
  remove(): Promise<void>;
  /** Keeps it, with the outcome of another try. */
  replace(document: FailureDocument): Promise<void>;
}

/** Where a target's failures are kept: written by the function, read back by redrive. */
export interface FailureStore {
  readonly arn: string;
  put(documents: readonly FailureDocument[], signal?: AbortSignal): Promise<void>;
  /** The target's failures, oldest record first, `max` at most. */
  list(sourceArn: string, targetId: string, max: number): Promise<StoredFailure[]>;
  /** How many failures of the target it holds, where it can tell without taking them (a bucket can, a queue cannot). */
  count(sourceArn: string, targetId: string): Promise<number | undefined>;
}

export type StoreClient = <Client extends AwsSdkClient>(constructor: AwsClientConstructor<Client>, region?: string) => Client;

/**
 * Opens stores by ARN, in their own region; the function's S3 store (FAILURE_STORE) also keeps what
 * a message cannot hold. The stores' clients load when a failure is first stored, not at start-up.
 */
export class FailureStores {
  private readonly stores = new Map<string, Promise<FailureStore>>();
  private readonly defaultRef: FailureStoreRef | undefined;
  private loaded: Promise<{ open: typeof openFailureStore; overflow: S3FailureStore | undefined }> | undefined;

  constructor(
    private readonly client: StoreClient,
    readonly defaultArn: string | undefined,
  ) {
    this.defaultRef = defaultArn ? parseFailureStore(defaultArn) : undefined;
    if (defaultArn && !this.defaultRef) throw new Error(`FAILURE_STORE: "${defaultArn}" is not an SQS queue, SNS topic or S3 bucket ARN`);
  }

  /** The ARN of the target's store: its `onFailure`, else the function's; none when neither is set. */
  arnFor(onFailure: string | undefined): string | undefined {
    return onFailure ?? this.defaultArn;
  }

  storeFor(arn: string): Promise<FailureStore> {
    let store = this.stores.get(arn);
    if (!store) {
      store = this.opener().then(({ open, overflow }) => open(parseFailureStore(arn)!, this.client, overflow));
      this.stores.set(arn, store);
    }
    return store;
  }

  /** The stores' code, loaded once, and the function's own S3 store, opened once for every store that overflows into it. */
  private opener() {
    this.loaded ??= import('./failure-store.js').then(({ openFailureStore, openOverflowStore }) => ({
      open: openFailureStore,
      overflow: openOverflowStore(this.defaultRef, this.client),
    }));
    return this.loaded;
  }
}
