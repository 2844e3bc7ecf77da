import type { TargetStateItem, TargetStateName } from '@fanout/runtime/config';
import pLimit from 'p-limit';
import type { Deployment } from '../aws/names.js';
import { progressTableOf, readTargetStates } from '../aws/progress-table.js';
import type { AwsContext } from '../context.js';

/**
 * The state items of one source's targets, as the function wrote them to its progress table;
 * `items` undefined when there is no progress table (a deployment of before: deploy adds it).
 */
export interface SourceStates {
  sourceArn: string;
  items: ReadonlyMap<string, TargetStateItem> | undefined;
}

/** Queries at once when list shows the targets of every source. */
const QUERY_CONCURRENCY = 8;

/**
 * Every target's state of each source: one Query a source on the progress table's state
 * partition of the source (the table the function's PROGRESS_TABLE names), by source ARN.
 */
export async function targetStatesOf(context: AwsContext, deployment: Deployment, sourceArns: readonly string[]): Promise<Map<string, SourceStates>> {
  const tableName = await progressTableOf(context, deployment);
  const limit = pLimit(QUERY_CONCURRENCY);
  const read = await Promise.all(
    [...new Set(sourceArns)].map((sourceArn) => limit(async (): Promise<SourceStates> => ({ sourceArn, items: await readTargetStates(context, tableName, sourceArn) }))),
  );
  return new Map(read.map((states) => [states.sourceArn, states]));
}

/** The states of one source's targets (the targets screen, refreshed with them). */
export async function sourceStates(context: AwsContext, deployment: Deployment, sourceArn: string): Promise<SourceStates> {
  return (await targetStatesOf(context, deployment, [sourceArn])).get(sourceArn)!;
}

/** A target's state as the console shows it. */
export interface TargetStatus {
  /**
   * `ok`, `retrying` (its last delivery failed and it holds its shard) or `stuck` (so for several
   * invocations in a row); undefined when it cannot be known (no progress table). A target the
   * function never wrote a state for has never failed: `ok`.
   */
  state: TargetStateName | undefined;
  /** ISO time the state began; undefined for a target that has never failed. */
  since: string | undefined;
  /** How far behind it is: now less the arrival time of the oldest record it holds; undefined when it holds none. */
  behindSeconds: number | undefined;
  /** Records waiting in its failure store; undefined when not known. */
  stored: number | undefined;
  lastError: string | undefined;
}

export function targetStatus(states: SourceStates | undefined, targetId: string, now: number = Date.now()): TargetStatus {
  if (!states?.items) return { state: undefined, since: undefined, behindSeconds: undefined, stored: undefined, lastError: undefined };
  const item = states.items.get(targetId);
  const held = item && item.state !== 'ok' && item.heldSince ? Date.parse(item.heldSince) : NaN;
  return {
    state: item?.state ?? 'ok',
    since: item?.since,
    behindSeconds: Number.isNaN(held) ? undefined : Math.max(0, Math.round((now - held) / 1000)),
    // a count the function took more from than it had added to (a state item lost) is no fewer than none
    stored: Math.max(0, item?.stored ?? 0),
    lastError: item?.lastError,
  };
}

/** A span of time in its largest whole unit: `45s`, `14m`, `3h`, `2d`. */
export function duration(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60]];
  for (const [unit, size] of units) if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`;
  return `${Math.max(0, Math.floor(seconds))}s`;
}

/** The columns of a target's state for people: `ok`, `retrying 2m`, `stuck 14m` (since); `-` for what is not known or not held. */
export function statusCells(status: TargetStatus, now: number = Date.now()): { state: string; behind: string; stored: string; lastError: string } {
  const since = status.since === undefined ? NaN : Date.parse(status.since);
  const state =
    status.state === undefined ? '-' : status.state === 'ok' || Number.isNaN(since) ? status.state : `${status.state} ${duration((now - since) / 1000)}`;
  return {
    state,
    behind: status.behindSeconds === undefined ? '-' : duration(status.behindSeconds),
    stored: status.stored === undefined ? '-' : String(status.stored),
    lastError: status.lastError ?? '',
  };
}

/** The state fields of a target for scripts (list --output json): every one always there, null when there is nothing to say. */
export function statusFields(status: TargetStatus) {
  return {
    state: status.state ?? null,
    stateSince: status.since ?? null,
    behindSeconds: status.behindSeconds ?? null,
    stored: status.stored ?? null,
    lastError: status.lastError ?? null,
  };
}
