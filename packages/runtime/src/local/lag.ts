import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LOCAL_STATUS_VERSION, type LocalShardLag, type LocalStatus } from '../config/contracts.js';
import { eventArrivalMs } from '../records/index.js';
import type { ShardBatch } from './stream-reader.js';

const MINUTE_MS = 60_000;
/** The minutes of history a shard keeps: the hour the console's sparklines show. */
const HISTORY_MINUTES = 60;
/** How often the status file is written while the poller runs. */
export const DEFAULT_STATUS_EVERY_MS = 2_000;

/** Where one shard's reading stands: the arrival time of the last record handed to the function, or read to its tip. */
export type ShardReading = { caughtUp: true } | { caughtUp: false; arrivalMs: number };

/** Where a shard's reading stands after a read: at the last record handed to the function, else as far behind as the stream says (at its tip when it says nothing). */
export function readingAfter(batch: ShardBatch, now = Date.now()): ShardReading {
  const last = batch.records.at(-1);
  if (last) return { caughtUp: false, arrivalMs: eventArrivalMs(last) ?? now };
  return batch.millisBehindLatest ? { caughtUp: false, arrivalMs: now - batch.millisBehindLatest } : { caughtUp: true };
}

interface ShardLagState {
  mappingId: string;
  sourceArn: string;
  shardId: string;
  reading: ShardReading;
  /** The largest lag seen in each minute (minute since the epoch → milliseconds). */
  minutes: Map<number, number>;
}

/**
 * Each shard's lag as the local poller reads it, Lambda's IteratorAge per shard: now less the
 * arrival time of the last record handed to the function, so that a shard held by a failing batch
 * falls further behind as time passes; 0 once a read finds nothing more. The largest of each
 * minute is kept for the last hour.
 */
export class ShardLags {
  private readonly shards = new Map<string, ShardLagState>();

  record(mapping: { id: string; sourceArn: string }, shardId: string, reading: ShardReading, now = Date.now()): void {
    const key = `${mapping.id}\n${shardId}`;
    const state = this.shards.get(key) ?? { mappingId: mapping.id, sourceArn: mapping.sourceArn, shardId, reading, minutes: new Map() };
    state.reading = reading;
    this.shards.set(key, state);
    this.sample(state, now);
  }

  /** A mapping no longer read (paused, unhooked): its shards are not behind anything any more. */
  forget(mappingId: string): void {
    for (const [key, state] of this.shards) if (state.mappingId === mappingId) this.shards.delete(key);
  }

  snapshot(now = Date.now()): LocalShardLag[] {
    return [...this.shards.values()].map((state) => {
      const millisBehind = this.sample(state, now);
      return { mappingId: state.mappingId, sourceArn: state.sourceArn, shardId: state.shardId, millisBehind, minutes: [...state.minutes] };
    });
  }

  /** The shard's lag now, folded into its minute; minutes older than the hour dropped. */
  private sample(state: ShardLagState, now: number): number {
    const lag = state.reading.caughtUp ? 0 : Math.max(0, now - state.reading.arrivalMs);
    const minute = Math.floor(now / MINUTE_MS);
    state.minutes.set(minute, Math.max(lag, state.minutes.get(minute) ?? 0));
    for (const kept of state.minutes.keys()) if (kept <= minute - HISTORY_MINUTES) state.minutes.delete(kept);
    return lag;
  }
}

/**
 * Writes the poller's status (each shard's lag) to a file every `everyMs`, and removes it when
 * stopped: the file is there while the poller runs (one left by a poller that was killed is told
 * by its `updatedAt`). Each write goes to a temporary file renamed over the old one, so a reader sees one whole.
 */
export class StatusFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly functionName: string,
    private readonly lags: ShardLags,
  ) {}

  start(everyMs = DEFAULT_STATUS_EVERY_MS): Promise<void> {
    this.timer = setInterval(() => void this.write(), everyMs);
    return this.write();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.writing;
    await rm(this.file, { force: true });
  }

  /** One write at a time; a failed write is tried again at the next (the status is only for the console to show). */
  private write(): Promise<void> {
    const status: LocalStatus = { fanoutLocalStatus: LOCAL_STATUS_VERSION, functionName: this.functionName, updatedAt: new Date().toISOString(), shards: this.lags.snapshot() };
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(`${this.file}.tmp`, JSON.stringify(status));
      await rename(`${this.file}.tmp`, this.file);
    }).catch(() => undefined);
    return this.writing;
  }
}
