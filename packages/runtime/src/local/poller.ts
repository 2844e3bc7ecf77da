import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchResponse, StreamEvent } from '../fanout.js';
import type { Logger } from '../log/logger.js';
import { eventSequenceNumber, type StreamEventRecord } from '../records/index.js';
import type { Checkpoints } from './checkpoints.js';
import type { PolledMapping } from './mappings.js';
import type { ShardPosition, StreamReader, StreamShard } from './stream-reader.js';

/** How often the mappings and their shards are read again: a hook, a pause or a new shard shows within this. */
export const DEFAULT_REFRESH_MS = 5_000;
/** Lambda reads an idle shard about once a second. */
export const DEFAULT_IDLE_MS = 1_000;
/** The first wait before a failed batch is tried again; it doubles with each try, up to MAX_RETRY_DELAY_MS. */
export const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;

export interface LocalPollerOptions {
  /** Processes one event as the Lambda handler does. */
  process(event: StreamEvent, remainingTimeMs: () => number): Promise<BatchResponse>;
  /** The mappings to follow, read again every `refreshMs`. */
  mappings(): Promise<PolledMapping[]>;
  readerFor(sourceArn: string): StreamReader;
  checkpoints: Checkpoints;
  /** The function's timeout: the deadline of each event. */
  timeoutMs: number;
  log: Logger;
  refreshMs?: number;
  idleMs?: number;
  retryDelayMs?: number;
}

/** Resolves after `ms`, or at once when the signal aborts (no error: the loops look at the signal). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Lambda's stream poller, in-process: follows the function's enabled event source mappings, reads
 * each shard in order (children after their parents), and hands batches of up to the mapping's batch
 * size to the handler's code path. A batch is retried from the earliest record it reports failed
 * (`batchItemFailures`, when the mapping asks for them) or whole when it throws, up to the mapping's
 * MaximumRetryAttempts; the last record delivered of each shard is kept in `checkpoints`.
 */
export class LocalPoller {
  private readonly stopping = new AbortController();
  private readonly readers = new Map<string, MappingReader>();
  private running: Promise<void> | undefined;

  constructor(private readonly options: LocalPollerOptions) {}

  start(): void {
    this.running ??= this.follow();
  }

  /** Stops reading; a batch being delivered is finished and checkpointed first. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await Promise.all([...this.readers.values()].map((reader) => reader.stop()));
    this.readers.clear();
  }

  /** Reads the mappings and their shards once: what the loop does every `refreshMs`. */
  async refresh(): Promise<void> {
    const mappings = new Map((await this.options.mappings()).map((mapping) => [mapping.id, mapping]));
    for (const [id, reader] of this.readers) {
      const mapping = mappings.get(id);
      // paused, unhooked, or changed (its batch size, say): stopped, and started again below if changed
      if (!mapping || JSON.stringify(mapping) !== JSON.stringify(reader.mapping)) {
        this.readers.delete(id);
        await reader.stop();
      }
    }
    for (const mapping of mappings.values()) {
      let reader = this.readers.get(mapping.id);
      if (!reader) {
        reader = new MappingReader(mapping, this.options, this.stopping.signal);
        this.readers.set(mapping.id, reader);
      }
      await reader.startShards();
    }
  }

  private async follow(): Promise<void> {
    const { log, refreshMs = DEFAULT_REFRESH_MS } = this.options;
    while (!this.stopping.signal.aborted) {
      try {
        await this.refresh();
      } catch (error) {
        log.error('could not read the event source mappings or their shards; trying again', { error });
      }
      await pause(refreshMs, this.stopping.signal);
    }
  }
}

/** The shards of one mapping's stream, each read by a loop of its own. */
class MappingReader {
  private readonly stopping = new AbortController();
  private readonly reader: StreamReader;
  private readonly log: Logger;
  private readonly shardLoops = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();

  constructor(
    readonly mapping: PolledMapping,
    private readonly options: LocalPollerOptions,
    pollerStopping: AbortSignal,
  ) {
    this.reader = options.readerFor(mapping.sourceArn);
    this.log = options.log.child({ sourceArn: mapping.sourceArn, mapping: mapping.id });
    pollerStopping.addEventListener('abort', () => this.stopping.abort(), { once: true });
  }

  /** Starts a loop for each shard not read yet whose parents are read to their end (or gone from the stream). */
  async startShards(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const shards = await this.reader.shards();
    const listed = new Set(shards.map((shard) => shard.id));
    for (const shard of shards) {
      if (this.shardLoops.has(shard.id) || this.finished.has(shard.id)) continue;
      if (shard.parentIds.some((parent) => listed.has(parent) && !this.finished.has(parent))) continue;
      this.shardLoops.set(shard.id, this.readShardUntilStopped(shard));
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.shardLoops.values());
  }

  private async readShardUntilStopped(shard: StreamShard): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        await this.readShard(shard.id);
        this.finished.add(shard.id);
        // its children may start now
        await this.startShards();
        return;
      } catch (error) {
        this.log.error('could not read the shard; reading again from its checkpoint', { shardId: shard.id, error });
        await pause(this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, signal);
      }
    }
  }

  /** Reads the shard from its checkpoint (else the mapping's starting position) to its end, or until stopped. */
  private async readShard(shardId: string): Promise<void> {
    const signal = this.stopping.signal;
    const position = (): ShardPosition => {
      const sequenceNumber = this.options.checkpoints.get(this.mapping.id, shardId);
      return sequenceNumber ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber } : this.mapping.startingPosition;
    };
    let iterator = await this.reader.iterator(shardId, position());
    while (!signal.aborted) {
      let batch;
      try {
        batch = await this.reader.read(shardId, iterator, this.mapping.batchSize);
      } catch (error) {
        if (!this.reader.isExpired(error)) throw error;
        iterator = await this.reader.iterator(shardId, position());
        continue;
      }
      if (batch.records.length > 0) await this.deliver(shardId, batch.records);
      if (!batch.nextIterator) return;
      iterator = batch.nextIterator;
      if (batch.records.length === 0) await pause(this.options.idleMs ?? DEFAULT_IDLE_MS, signal);
    }
  }

  /** Hands the records to the handler's code path until every one is delivered, or the retries are spent. */
  private async deliver(shardId: string, records: StreamEventRecord[]): Promise<void> {
    const { checkpoints, retryDelayMs = DEFAULT_RETRY_DELAY_MS } = this.options;
    const checkpoint = (record: StreamEventRecord) => checkpoints.set(this.mapping.id, shardId, eventSequenceNumber(record));
    let batch = records;
    for (let retries = 0; ; retries += 1) {
      if (this.stopping.signal.aborted) return;
      const failedFrom = await this.invoke(batch);
      if (failedFrom === undefined) return checkpoint(batch.at(-1)!);
      if (failedFrom > 0) await checkpoint(batch[failedFrom - 1]!);
      batch = batch.slice(failedFrom);
      if (this.mapping.maximumRetryAttempts >= 0 && retries >= this.mapping.maximumRetryAttempts) {
        this.log.error('records not delivered after the mapping\'s MaximumRetryAttempts; going on without them', {
          shardId,
          retries,
          firstSequenceNumber: eventSequenceNumber(batch[0]!),
          lastSequenceNumber: eventSequenceNumber(batch.at(-1)!),
        });
        return checkpoint(batch.at(-1)!);
      }
      await pause(Math.min(retryDelayMs * 2 ** retries, MAX_RETRY_DELAY_MS), this.stopping.signal);
    }
  }

  /**
   * One invocation: the index of the earliest record to retry, or undefined when all were
   * delivered. As Lambda does, a thrown error fails the whole batch, and so does a reported failure
   * that names no record of the batch.
   */
  private async invoke(batch: readonly StreamEventRecord[]): Promise<number | undefined> {
    const deadline = Date.now() + this.options.timeoutMs;
    let response: BatchResponse;
    try {
      response = await this.options.process({ Records: [...batch] }, () => deadline - Date.now());
    } catch (error) {
      this.log.error('the handler failed; the whole batch is tried again', { error });
      return 0;
    }
    if (!this.mapping.reportsItemFailures || response.batchItemFailures.length === 0) return undefined;
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const index = batch.findIndex((record) => failed.has(eventSequenceNumber(record)));
    return index < 0 ? 0 : index;
  }
}
