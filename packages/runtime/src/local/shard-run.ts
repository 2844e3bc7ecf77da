import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchResponse, StreamEvent } from '../fanout.js';
import type { Logger } from '../log/logger.js';
import { eventSequenceNumber, isKinesisRecord, type StreamEventRecord } from '../records/index.js';
import type { Checkpoints } from './checkpoints.js';
import type { RecordFilter } from './filter-criteria.js';
import type { PolledMapping } from './mappings.js';
import { arrivalMs, invocationRecord, type DiscardCondition, type LastInvocation, type OnFailureSender } from './on-failure.js';

/** The first wait before a failed batch is tried again; it doubles with each try, up to MAX_RETRY_DELAY_MS. */
export const DEFAULT_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 30_000;
/** Lambda's largest invocation payload: a batch is cut before its event passes it. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

/** What a shard's run needs of the poller: the handler's code path, checkpoints, and where given-up batches go. */
export interface ShardRunOptions {
  process(event: StreamEvent, remainingTimeMs: () => number): Promise<BatchResponse>;
  checkpoints: Checkpoints;
  /** Where a batch given up on is recorded when its mapping names an on-failure destination (required for such a mapping: without it the batch is held). */
  sendOnFailure?: OnFailureSender;
  /** The function's timeout: the deadline of each event. */
  timeoutMs: number;
  retryDelayMs?: number;
}

/** Resolves after `ms`, or at once when the signal aborts (no error: the loops look at the signal). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** Wakes whoever waits for a change (records queued, a batch taken), or lets them go on after a time. */
class Changes {
  private waiting: Array<() => void> = [];

  notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Until the next change, `ms` (when given), or the signal's abort. */
  next(ms: number | undefined, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiting.push(wake);
      if (ms !== undefined) timer = setTimeout(wake, ms);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

/**
 * The shard's checkpoint: the last record up to which every record read is done (delivered,
 * filtered out, or given up on). With batches processed at once, a later one may finish first;
 * the checkpoint waits for the earlier ones.
 */
class ShardProgress {
  private order: Array<{ sequenceNumber: string; done: boolean }> = [];
  private readonly bySequence = new Map<string, { sequenceNumber: string; done: boolean }>();
  private head = 0;

  constructor(private readonly save: (sequenceNumber: string) => Promise<void>) {}

  track(record: StreamEventRecord): void {
    const entry = { sequenceNumber: eventSequenceNumber(record), done: false };
    this.order.push(entry);
    this.bySequence.set(entry.sequenceNumber, entry);
  }

  /** Whether a record read is not done yet. */
  get undone(): boolean {
    return this.head < this.order.length;
  }

  async complete(records: readonly StreamEventRecord[]): Promise<void> {
    for (const record of records) {
      const entry = this.bySequence.get(eventSequenceNumber(record));
      if (entry) entry.done = true;
    }
    let last: string | undefined;
    while (this.head < this.order.length && this.order[this.head]!.done) {
      last = this.order[this.head]!.sequenceNumber;
      this.bySequence.delete(last);
      this.head += 1;
    }
    if (this.head > 1_000) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    if (last !== undefined) await this.save(last);
  }
}

interface Queued {
  record: StreamEventRecord;
  bytes: number;
  queuedAt: number;
}

/** The records waiting for one of the shard's concurrent batches, and their size in the event. */
interface Lane {
  queued: Queued[];
  bytes: number;
}

/** Records on their way to the function together, and what became of the tries so far. */
interface Attempt {
  records: StreamEventRecord[];
  retries: number;
  invocations: number;
  last: LastInvocation;
}

/** The key Lambda keeps in order: a Kinesis record's partition key, a DynamoDB change's item key. */
function orderingKey(record: StreamEventRecord): string {
  return isKinesisRecord(record) ? record.kinesis.partitionKey : JSON.stringify(record.dynamodb?.Keys ?? {});
}

/** Which of `lanes` concurrent batches a key's records go through, as Lambda picks it: by a hash of the key. */
function laneOf(record: StreamEventRecord, lanes: number): number {
  if (lanes === 1) return 0;
  return createHash('md5').update(orderingKey(record)).digest().readUInt32BE(0) % lanes;
}

/**
 * One reading of a shard, from its checkpoint: the records read are spread over the mapping's
 * ParallelizationFactor lanes (by key), each lane gathers a batch (BatchSize, 6 MB, or
 * MaximumBatchingWindowInSeconds, whichever comes first) and hands it to the function, trying it
 * again as the mapping says (reported failures, BisectBatchOnFunctionError, MaximumRetryAttempts,
 * MaximumRecordAgeInSeconds, the on-failure destination). Records matching no filter are done at once.
 */
export class ShardRun {
  private readonly lanes: Lane[];
  private readonly laneLoops: Promise<void>[];
  private readonly changes = new Changes();
  private readonly closing = new AbortController();
  private readonly progress: ShardProgress;
  /** Aborted when the poller or the mapping stops, or when this run closes. */
  private readonly signal: AbortSignal;
  private ended = false;
  private failure: unknown;

  constructor(
    private readonly mapping: PolledMapping,
    private readonly shardId: string,
    private readonly options: ShardRunOptions,
    private readonly filter: RecordFilter | undefined,
    private readonly log: Logger,
    stopping: AbortSignal,
  ) {
    this.signal = AbortSignal.any([stopping, this.closing.signal]);
    this.progress = new ShardProgress((sequenceNumber) => options.checkpoints.set(mapping.id, shardId, sequenceNumber));
    this.lanes = Array.from({ length: mapping.parallelizationFactor }, () => ({ queued: [], bytes: 0 }));
    this.laneLoops = this.lanes.map((lane) =>
      this.runLane(lane).catch((error: unknown) => {
        this.failure ??= error;
        this.closing.abort();
      }),
    );
  }

  get stopped(): boolean {
    return this.signal.aborted;
  }

  /** Whether a record read is still being delivered (or retried): the shard is not caught up, whatever a read ahead finds. */
  get undone(): boolean {
    return this.progress.undone;
  }

  /** Takes records just read, in their order. */
  async add(records: readonly StreamEventRecord[]): Promise<void> {
    const now = Date.now();
    const dropped: StreamEventRecord[] = [];
    for (const record of records) {
      this.progress.track(record);
      if (this.filter && !this.filter(record)) dropped.push(record);
      else {
        const lane = this.lanes[laneOf(record, this.lanes.length)]!;
        const bytes = Buffer.byteLength(JSON.stringify(record));
        lane.queued.push({ record, bytes, queuedAt: now });
        lane.bytes += bytes;
      }
    }
    this.changes.notify();
    if (dropped.length > 0) {
      this.log.debug('records matched none of the mapping\'s filters; dropped, as processed', { shardId: this.shardId, count: dropped.length });
      await this.progress.complete(dropped);
    }
  }

  /** Until every lane has less than a full batch waiting: reading ahead stays within a batch a lane. */
  async roomForMore(): Promise<void> {
    while (!this.stopped && this.lanes.some((lane) => this.isFull(lane))) await this.changes.next(undefined, this.signal);
  }

  /** The shard has no more records: what the lanes hold is delivered now, without waiting for their windows. */
  async finish(): Promise<void> {
    this.ended = true;
    this.changes.notify();
    await Promise.all(this.laneLoops);
  }

  /** Stops taking batches (one being delivered is finished first); returns the error a lane stopped on, if one did. */
  async close(): Promise<unknown> {
    this.closing.abort();
    await Promise.all(this.laneLoops);
    return this.failure;
  }

  private isFull(lane: Lane): boolean {
    return lane.queued.length >= this.mapping.batchSize || lane.bytes >= MAX_EVENT_BYTES;
  }

  /** The lane's next batch when it is due (full, its window closed, or the shard ended); else undefined. */
  private dueBatch(lane: Lane): StreamEventRecord[] | undefined {
    const { queued } = lane;
    if (queued.length === 0) return undefined;
    const windowClosed = Date.now() - queued[0]!.queuedAt >= this.mapping.batchingWindowMs;
    if (!windowClosed && !this.ended && !this.isFull(lane)) return undefined;
    let count = 0;
    let bytes = 0;
    while (count < queued.length && count < this.mapping.batchSize && (count === 0 || bytes + queued[count]!.bytes <= MAX_EVENT_BYTES)) {
      bytes += queued[count]!.bytes;
      count += 1;
    }
    lane.bytes -= bytes;
    return queued.splice(0, count).map(({ record }) => record);
  }

  private async runLane(lane: Lane): Promise<void> {
    while (!this.stopped) {
      const batch = this.dueBatch(lane);
      if (batch) {
        // the reader may read on while this batch is delivered
        this.changes.notify();
        await this.deliver(batch);
        continue;
      }
      const oldest = lane.queued[0];
      if (!oldest && this.ended) return;
      const windowLeft = oldest ? Math.max(0, oldest.queuedAt + this.mapping.batchingWindowMs - Date.now()) : undefined;
      await this.changes.next(windowLeft, this.signal);
    }
  }

  /** How many of the records, from the first, are older than the mapping's MaximumRecordAgeInSeconds. */
  private expiredCount(records: readonly StreamEventRecord[]): number {
    const maxAgeSeconds = this.mapping.maximumRecordAgeSeconds;
    if (maxAgeSeconds < 0) return 0;
    const oldestKept = Date.now() - maxAgeSeconds * 1000;
    let count = 0;
    while (count < records.length && (arrivalMs(records[count]!) ?? Date.now()) < oldestKept) count += 1;
    return count;
  }

  /**
   * Hands a batch to the function until every record is done. Reported failures retry from the
   * earliest one; a thrown error splits the batch in two when the mapping bisects (a split uses no
   * retry, as Lambda counts), else retries it whole. Records past MaximumRetryAttempts or
   * MaximumRecordAgeInSeconds are given up on: sent to the on-failure destination, and passed.
   */
  private async deliver(records: StreamEventRecord[]): Promise<void> {
    const { retryDelayMs = DEFAULT_RETRY_DELAY_MS } = this.options;
    const attempts: Attempt[] = [{ records, retries: 0, invocations: 0, last: undefined }];
    while (attempts.length > 0) {
      if (this.signal.aborted) return;
      const attempt = attempts[0]!;
      const expired = this.expiredCount(attempt.records);
      if (expired > 0) {
        await this.giveUp({ ...attempt, records: attempt.records.slice(0, expired) }, 'RecordAgeExceeded');
        attempt.records = attempt.records.slice(expired);
        if (attempt.records.length === 0) {
          attempts.shift();
          continue;
        }
      }
      const { failedFrom, threw } = await this.invoke(attempt.records);
      attempt.invocations += 1;
      if (failedFrom === undefined) {
        await this.progress.complete(attempt.records);
        attempts.shift();
        continue;
      }
      if (failedFrom > 0) await this.progress.complete(attempt.records.slice(0, failedFrom));
      attempt.records = attempt.records.slice(failedFrom);
      attempt.last = threw ? 'error' : 'reported-failures';
      if (threw && this.mapping.bisectOnError && attempt.records.length > 1) {
        const middle = Math.ceil(attempt.records.length / 2);
        attempts.splice(0, 1, { ...attempt, records: attempt.records.slice(0, middle) }, { ...attempt, records: attempt.records.slice(middle) });
        continue;
      }
      if (this.mapping.maximumRetryAttempts >= 0 && attempt.retries >= this.mapping.maximumRetryAttempts) {
        await this.giveUp(attempt, 'RetryAttemptsExhausted');
        attempts.shift();
        continue;
      }
      await pause(Math.min(retryDelayMs * 2 ** attempt.retries, MAX_RETRY_DELAY_MS), this.signal);
      attempt.retries += 1;
    }
  }

  /** Records Lambda would discard: logged, sent to the mapping's on-failure destination when it has one, and passed. */
  private async giveUp(attempt: Attempt, condition: DiscardCondition): Promise<void> {
    const { records } = attempt;
    const destination = this.mapping.onFailureDestination;
    const setting = condition === 'RetryAttemptsExhausted' ? 'MaximumRetryAttempts' : 'MaximumRecordAgeInSeconds';
    this.log.error(`records not delivered within the mapping's ${setting}; going on without them`, {
      shardId: this.shardId,
      count: records.length,
      retries: attempt.retries,
      firstSequenceNumber: eventSequenceNumber(records[0]!),
      lastSequenceNumber: eventSequenceNumber(records.at(-1)!),
      ...(destination ? { onFailure: destination } : {}),
    });
    if (destination) {
      if (!this.options.sendOnFailure) throw new Error(`the mapping's on-failure destination ${destination} cannot be sent to from this poller`);
      const document = invocationRecord({
        functionArn: this.mapping.functionArn,
        streamArn: this.mapping.sourceArn,
        shardId: this.shardId,
        records,
        condition,
        invocations: attempt.invocations,
        last: attempt.last,
      });
      await this.options.sendOnFailure({ arn: destination, mappingId: this.mapping.id }, document, { Records: [...records] });
    }
    await this.progress.complete(records);
  }

  /**
   * One invocation: the index of the earliest record to retry (undefined when all were delivered),
   * and whether the function failed. As Lambda does, a thrown error fails the whole batch, and so
   * does a reported failure with an empty identifier or one that names no record of the batch; a
   * missing list is success.
   */
  private async invoke(batch: readonly StreamEventRecord[]): Promise<{ failedFrom: number | undefined; threw: boolean }> {
    const deadline = Date.now() + this.options.timeoutMs;
    let response: BatchResponse;
    try {
      response = await this.options.process({ Records: [...batch] }, () => deadline - Date.now());
    } catch (error) {
      this.log.error('the handler failed; the batch is tried again', { shardId: this.shardId, error });
      return { failedFrom: 0, threw: true };
    }
    const failures = response?.batchItemFailures ?? [];
    if (!this.mapping.reportsItemFailures || failures.length === 0) return { failedFrom: undefined, threw: false };
    const positions = failures.map(({ itemIdentifier }) => batch.findIndex((record) => itemIdentifier && eventSequenceNumber(record) === itemIdentifier));
    return { failedFrom: positions.includes(-1) ? 0 : Math.min(...positions), threw: false };
  }
}
