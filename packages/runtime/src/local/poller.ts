import type { Logger } from '../log/logger.js';
import { eventSequenceNumber } from '../records/index.js';
import { recordFilter, type RecordFilter } from './filter-criteria.js';
import { readingAfter, type ShardLags } from './lag.js';
import type { PolledMapping } from './mappings.js';
import { DEFAULT_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS, pause, ShardRun, type ShardRunOptions } from './shard-run.js';
import type { ShardPosition, StreamReader, StreamShard } from './stream-reader.js';

/** How often the mappings and their shards are read again: a hook, a pause or a new shard shows within this. */
export const DEFAULT_REFRESH_MS = 5_000;
/** Lambda reads an idle shard about once a second. */
export const DEFAULT_IDLE_MS = 1_000;

export interface LocalPollerOptions extends ShardRunOptions {
  /** The mappings to follow, read again every `refreshMs`. */
  mappings(): Promise<PolledMapping[]>;
  readerFor(sourceArn: string): StreamReader;
  log: Logger;
  /** Where each shard's lag is kept, when it is wanted (the status file the console reads). */
  lags?: ShardLags;
  refreshMs?: number;
  idleMs?: number;
}

/**
 * Lambda's stream poller, in-process: follows the function's enabled event source mappings, reads
 * each shard in order (children after their parents; the shards of a stream at once), and hands
 * batches to the handler's code path as the mapping's settings say (see ShardRun: batch size and
 * window, filters, parallelization, retries, bisection, record age, the on-failure destination);
 * the last record done of each shard is kept in `checkpoints`.
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
    if (this.stopping.signal.aborted) return;
    for (const [id, reader] of this.readers) {
      const mapping = mappings.get(id);
      // paused, unhooked, or changed (its batch size, say): stopped, and started again below if changed
      if (!mapping || !sameReading(mapping, reader.mapping)) {
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
      // one stream that cannot be read (deleted, denied) must not hold up the others
      await reader.startShards().catch((error: unknown) => reader.failedToList(error));
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

/** Whether a mapping's reading goes on unchanged: every setting but its starting position, which matters only where no checkpoint is yet. */
function sameReading(a: PolledMapping, b: PolledMapping): boolean {
  const settings = ({ startingPosition: _, ...rest }: PolledMapping) => JSON.stringify(rest);
  return settings(a) === settings(b);
}

/** The shards of one mapping's stream, each read by a loop of its own. */
class MappingReader {
  private readonly own = new AbortController();
  /** Aborted when this reader or the whole poller stops. */
  private readonly signal: AbortSignal;
  private readonly reader: StreamReader;
  private readonly log: Logger;
  private readonly shardLoops = new Map<string, Promise<void>>();
  private readonly finished = new Set<string>();
  /** When each shard's first iterator was taken: where a LATEST shard without a checkpoint reads again from. */
  private readonly began = new Map<string, Date>();
  /** The shards of the first listing: they start at the mapping's starting position; later ones are new. */
  private firstListing: ReadonlySet<string> | undefined;
  private listingFailed = false;
  private readonly filter: RecordFilter | undefined;
  /** A FilterCriteria pattern Lambda would have refused (moto takes any): the mapping is not read. */
  private readonly invalidFilter: boolean = false;

  constructor(
    readonly mapping: PolledMapping,
    private readonly options: LocalPollerOptions,
    pollerStopping: AbortSignal,
  ) {
    this.signal = AbortSignal.any([pollerStopping, this.own.signal]);
    this.reader = options.readerFor(mapping.sourceArn);
    this.log = options.log.child({ sourceArn: mapping.sourceArn, mapping: mapping.id });
    try {
      this.filter = mapping.filterPatterns.length > 0 ? recordFilter(mapping.filterPatterns) : undefined;
    } catch (error) {
      this.invalidFilter = true;
      this.log.error('the mapping\'s filter is not one Lambda takes; its stream is not read until the mapping changes', { error: (error as Error).message });
    }
  }

  /** Starts a loop for each shard not read yet whose parents are read to their end (or gone from the stream). */
  async startShards(): Promise<void> {
    if (this.signal.aborted || this.invalidFilter) return;
    const shards = await this.reader.shards();
    this.listingFailed = false;
    this.firstListing ??= new Set(shards.map((shard) => shard.id));
    const listed = new Set(shards.map((shard) => shard.id));
    for (const shard of shards) {
      if (this.signal.aborted || this.shardLoops.has(shard.id) || this.finished.has(shard.id)) continue;
      if (shard.parentIds.some((parent) => listed.has(parent) && !this.finished.has(parent))) continue;
      this.shardLoops.set(shard.id, this.readShardUntilStopped(shard));
    }
  }

  /** Logs a stream that cannot be listed once, not at every refresh, until it can be again. */
  failedToList(error: unknown): void {
    if (!this.listingFailed) this.log.error('could not list the stream\'s shards; trying again at every refresh', { error });
    this.listingFailed = true;
  }

  async stop(): Promise<void> {
    this.own.abort();
    await Promise.all(this.shardLoops.values());
    this.options.lags?.forget(this.mapping.id);
  }

  private async readShardUntilStopped(shard: StreamShard): Promise<void> {
    const signal = this.signal;
    const retryDelayMs = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    for (let failures = 0; !signal.aborted; failures += 1) {
      try {
        await this.readShard(shard);
        this.finished.add(shard.id);
        this.shardLoops.delete(shard.id);
        // its children may start now
        await this.startShards().catch((error: unknown) => this.failedToList(error));
        return;
      } catch (error) {
        if (this.reader.isGone(error)) {
          // the next refresh lists the stream again, and says so once if it is gone for good
          this.log.warn('the stream is gone; this shard is no longer read', { shardId: shard.id });
          this.shardLoops.delete(shard.id);
          return;
        }
        this.log.error('reading or delivering the shard failed; starting again from its checkpoint', { shardId: shard.id, error });
        await pause(Math.min(retryDelayMs * 2 ** failures, MAX_RETRY_DELAY_MS), signal);
      }
    }
  }

  /**
   * Where reading the shard starts: after its checkpoint; else, for a shard that appeared after the
   * first listing (a child of a split or merge), at its start, as Lambda does; else at the mapping's
   * starting position, except that LATEST becomes the time this loop began once it has begun, so that
   * an iterator taken again (expired, or after a failure) skips nothing.
   */
  private startOf(shard: StreamShard): ShardPosition {
    const sequenceNumber = this.options.checkpoints.get(this.mapping.id, shard.id);
    if (sequenceNumber) return { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber };
    if (!this.firstListing?.has(shard.id)) return { type: 'TRIM_HORIZON' };
    const began = this.began.get(shard.id);
    if (this.mapping.startingPosition.type === 'LATEST' && began) return { type: 'AT_TIMESTAMP', timestamp: began };
    return this.mapping.startingPosition;
  }

  /** An iterator at `position`; a checkpoint older than what the stream keeps reads from the oldest record kept. */
  private async iteratorAt(shardId: string, position: ShardPosition): Promise<string> {
    try {
      return await this.reader.iterator(shardId, position);
    } catch (error) {
      if (!this.reader.isTrimmed(error)) throw error;
      this.log.warn('the checkpoint is older than what the stream keeps; reading from the oldest record kept', { shardId });
      return this.reader.iterator(shardId, { type: 'TRIM_HORIZON' });
    }
  }

  /**
   * Reads the shard from where it starts to its end, or until stopped, handing the records to a
   * ShardRun that batches and delivers them as the mapping says; the run's checkpoint is where a
   * new reading starts after a failure.
   */
  private async readShard(shard: StreamShard): Promise<void> {
    const shardId = shard.id;
    const now = new Date();
    let iterator = await this.iteratorAt(shardId, this.startOf(shard));
    if (!this.began.has(shardId)) this.began.set(shardId, now);
    const run = new ShardRun(this.mapping, shardId, this.options, this.filter, this.log, this.signal);
    /** The last record read: an expired iterator is taken again after it, not at the checkpoint, so that nothing read ahead is read twice. */
    let lastRead: string | undefined;
    try {
      while (!run.stopped) {
        await run.roomForMore();
        if (run.stopped) break;
        let batch;
        try {
          // enough for a batch in each of the shard's concurrent lanes
          batch = await this.reader.read(shardId, iterator, this.mapping.batchSize * this.mapping.parallelizationFactor);
        } catch (error) {
          if (!this.reader.isExpired(error)) throw error;
          iterator = await this.iteratorAt(shardId, lastRead ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead } : this.startOf(shard));
          continue;
        }
        // an empty read ahead of records still being delivered leaves the lag growing from the last ones
        if (batch.records.length > 0 || !run.undone) this.options.lags?.record(this.mapping, shardId, readingAfter(batch));
        if (batch.records.length > 0) {
          lastRead = eventSequenceNumber(batch.records.at(-1)!);
          await run.add(batch.records);
        }
        if (!batch.nextIterator) {
          await run.finish();
          break;
        }
        iterator = batch.nextIterator;
        if (batch.records.length === 0) await pause(this.options.idleMs ?? DEFAULT_IDLE_MS, this.signal);
      }
    } catch (error) {
      await run.close();
      throw error;
    }
    const failure = await run.close();
    if (failure) throw failure;
  }
}
