import { FAILURE_DOCUMENT_VERSION, type FailureDocument, type TargetStateName } from '../config/contracts.js';
import type { TargetConfig } from '../config/schema.js';
import type { Failure, TargetDelivery } from '../delivery/deliver.js';
import { eventShardId, isKinesisRecord, type DecodedRecords, type FanoutRecord, type StreamEventRecord } from '../records/index.js';
import { inRanges, positionOf, takenRanges, type Position } from './positions.js';
import type { BatchProgress, TargetProgress } from './progress-table.js';

/** Invocations in a row a target may hold its shard before it shows as `stuck` rather than `retrying`. */
export const STUCK_AFTER_ATTEMPTS = 3;

/** One record of a target's view of the batch: one it can be sent, or one that could not be decoded for it. */
interface ViewItem {
  eventIndex: number;
  position: Position;
  record?: FanoutRecord;
  undecodable?: { reason: string };
}

/** What a target does with a batch: what it sends, what it had already, what goes straight to its store. */
export interface TargetPlan {
  view: DecodedRecords;
  toSend: readonly FanoutRecord[];
  skipped: number;
  undecodable: Array<{ eventIndex: number; position: Position; reason: string }>;
  previous: TargetProgress | undefined;
}

/** The target's view of the batch in event order: its records and those that could not be decoded for it. */
function viewItems(view: DecodedRecords): ViewItem[] {
  const items: ViewItem[] = view.records.map((record) => ({ eventIndex: record.eventIndex, position: positionOf(record), record }));
  if (view.undecodable.length === 0) return items;
  const undecodable = view.undecodable.map(({ eventIndex, sequenceNumber, reason }) => ({ eventIndex, position: sequenceNumber, undecodable: { reason } }));
  return [...items, ...undecodable].sort((a, b) => a.eventIndex - b.eventIndex);
}

/** The target's records in event order, without those it took in an earlier try of this batch. */
export function planTarget(view: DecodedRecords, previous: TargetProgress | undefined): TargetPlan {
  // the healthy state: a first try, everything decoded — every record is sent, with nothing made per record
  if (previous === undefined && view.undecodable.length === 0) return { view, toSend: view.records, skipped: 0, undecodable: [], previous };
  const toSend: FanoutRecord[] = [];
  const undecodable: TargetPlan['undecodable'] = [];
  let skipped = 0;
  for (const item of viewItems(view)) {
    if (previous !== undefined && inRanges(item.position, previous.taken)) skipped++;
    else if (item.record) toSend.push(item.record);
    else undecodable.push({ eventIndex: item.eventIndex, position: item.position, reason: item.undecodable!.reason });
  }
  return { view, toSend, skipped, undecodable, previous };
}

/** A record that leaves the target for its store, and why. */
export interface Failover {
  eventIndex: number;
  position: Position;
  record?: FanoutRecord;
  reason: string;
}

/** A record the target still holds its shard for: sent again on the retry. */
export interface HeldRecord {
  eventIndex: number;
  subSequenceNumber?: number;
  approximateArrivalTimestamp?: number;
  reason: string;
}

/** How a target's delivery ends: what it did not take, what it gives up to its store, what it still holds. */
export interface TargetSettlement {
  plan: TargetPlan;
  /** The records of `plan.toSend` not taken (every other one was). */
  failures: ReadonlyMap<FanoutRecord, Failure>;
  failover: Failover[];
  held: HeldRecord[];
  /** Invocations in a row with records held or failed over after failing (this one counted). */
  attempts: number;
  firstFailureAt: string | undefined;
}

/** Record order: event order, and sub-records of one event record by their sub-sequence number. */
function byRecordOrder(a: Pick<FanoutRecord, 'eventIndex' | 'subSequenceNumber'>, b: Pick<FanoutRecord, 'eventIndex' | 'subSequenceNumber'>): number {
  return a.eventIndex - b.eventIndex || (a.subSequenceNumber ?? -1) - (b.subSequenceNumber ?? -1);
}

function heldRecord(record: { eventIndex: number; subSequenceNumber?: number | undefined; approximateArrivalTimestamp?: number | undefined }, reason: string): HeldRecord {
  return {
    eventIndex: record.eventIndex,
    ...(record.subSequenceNumber !== undefined ? { subSequenceNumber: record.subSequenceNumber } : {}),
    ...(record.approximateArrivalTimestamp !== undefined ? { approximateArrivalTimestamp: record.approximateArrivalTimestamp } : {}),
    reason,
  };
}

function ageSeconds(record: FanoutRecord, nowMs: number): number | undefined {
  return record.approximateArrivalTimestamp === undefined ? undefined : nowMs / 1000 - record.approximateArrivalTimestamp;
}

/** Why a record that failed again is given up, when the target's limits say so. */
function pastLimits(target: TargetConfig, record: FanoutRecord, attempts: number, nowMs: number): string | undefined {
  if (target.maxAttempts !== undefined && attempts >= target.maxAttempts) {
    return `failed in ${attempts} invocation${attempts === 1 ? '' : 's'} (maxAttempts ${target.maxAttempts})`;
  }
  const age = ageSeconds(record, nowMs);
  if (target.maxRecordAgeSeconds !== undefined && age !== undefined && age > target.maxRecordAgeSeconds) {
    return `older than maxRecordAgeSeconds ${target.maxRecordAgeSeconds} (${Math.round(age)} s)`;
  }
  return undefined;
}

/** Sorts what one delivery did not take into failed over (refused, or past the target's limits) and held, each in record order. */
export function settleTarget(target: TargetConfig, plan: TargetPlan, delivery: TargetDelivery, nowMs: number): TargetSettlement {
  const failover: Failover[] = plan.undecodable.map((item) => ({ ...item, reason: `could not be decoded: ${item.reason}` }));
  const held: TargetSettlement['held'] = [];
  const { failures } = delivery;
  const failing = [...failures.values()].some((outcome) => outcome.status === 'failed');
  const attempts = failing ? (plan.previous?.attempts ?? 0) + 1 : 0;
  for (const [record, outcome] of failures) {
    const position = positionOf(record);
    if (outcome.status === 'rejected') failover.push({ eventIndex: record.eventIndex, position, record, reason: outcome.reason });
    else {
      const given = pastLimits(target, record, attempts, nowMs);
      if (given) failover.push({ eventIndex: record.eventIndex, position, record, reason: `${outcome.reason}; ${given}` });
      else held.push(heldRecord(record, outcome.reason));
    }
  }
  failover.sort((a, b) => byRecordOrder(a.record ?? a, b.record ?? b));
  held.sort(byRecordOrder);
  const firstFailureAt = failing ? (plan.previous?.firstFailureAt ?? new Date(nowMs).toISOString()) : undefined;
  return { plan, failures, failover, held, attempts, firstFailureAt };
}

/** Keeps what the settlement was to fail over held instead (it could not be stored), with why. */
export function holdFailover(settlement: TargetSettlement, reason: string, eventRecords: ReadonlyMap<number, StreamEventRecord>): void {
  for (const item of settlement.failover) {
    const arrival = item.record?.approximateArrivalTimestamp ?? arrivalOf(eventRecords.get(item.eventIndex)!);
    const at = { eventIndex: item.eventIndex, subSequenceNumber: item.record?.subSequenceNumber, approximateArrivalTimestamp: arrival };
    settlement.held.push(heldRecord(at, `${item.reason}; ${reason}`));
  }
  settlement.held.sort(byRecordOrder);
  settlement.failover = [];
}

function arrivalOf(eventRecord: StreamEventRecord): number | undefined {
  return isKinesisRecord(eventRecord) ? eventRecord.kinesis.approximateArrivalTimestamp : eventRecord.dynamodb?.ApproximateCreationDateTime;
}

/** The failure document of a record given up: whole, as the event had it, to be delivered later. */
export function failureDocumentOf(
  target: TargetConfig,
  failover: Failover,
  eventRecords: ReadonlyMap<number, StreamEventRecord>,
  settlement: Pick<TargetSettlement, 'attempts' | 'firstFailureAt'>,
  nowMs: number,
): FailureDocument {
  const eventRecord = eventRecords.get(failover.eventIndex)!;
  const now = new Date(nowMs).toISOString();
  const { record } = failover;
  const raw = isKinesisRecord(eventRecord)
    ? { key: eventRecord.kinesis.partitionKey, data: eventRecord.kinesis.data, arrival: arrivalOf(eventRecord) }
    : { key: '', data: Buffer.from(JSON.stringify(eventRecord.dynamodb ?? {})).toString('base64'), arrival: arrivalOf(eventRecord) };
  return {
    fanoutFailure: FAILURE_DOCUMENT_VERSION,
    sourceArn: target.sourceArn,
    ...(isKinesisRecord(eventRecord) ? { shardId: eventShardId(eventRecord) } : {}),
    target: { id: target.id, type: target.type },
    record: record
      ? {
          key: record.key,
          sequenceNumber: record.sequenceNumber,
          ...(record.subSequenceNumber !== undefined ? { subSequenceNumber: record.subSequenceNumber } : {}),
          action: record.action,
          ...(record.approximateArrivalTimestamp !== undefined ? { approximateArrivalTimestamp: record.approximateArrivalTimestamp } : {}),
          data: record.data.toString('base64'),
          ...(record.keys ? { keys: { ...record.keys } } : {}),
          eventRecord: record.eventRecord,
        }
      : {
          // not decodable for this target: the stream record as it came
          key: raw.key,
          sequenceNumber: failover.position,
          action: isKinesisRecord(eventRecord) ? 'PUT' : (eventRecord.eventName ?? 'MODIFY'),
          ...(raw.arrival !== undefined ? { approximateArrivalTimestamp: raw.arrival } : {}),
          data: raw.data,
          eventRecord,
        },
    reason: failover.reason,
    attempts: Math.max(settlement.attempts, 1),
    firstFailureAt: settlement.firstFailureAt ?? now,
    lastFailureAt: now,
  };
}

/** A stored failure back as a record the delivery code takes (its event index: its place among those redriven). */
export function recordOfFailure(document: FailureDocument, eventIndex: number): FanoutRecord {
  const { record } = document;
  return {
    eventIndex,
    sourceArn: document.sourceArn,
    key: record.key,
    sequenceNumber: record.sequenceNumber,
    ...(record.subSequenceNumber !== undefined ? { subSequenceNumber: record.subSequenceNumber } : {}),
    data: Buffer.from(record.data, 'base64'),
    action: record.action as FanoutRecord['action'],
    ...(record.approximateArrivalTimestamp !== undefined ? { approximateArrivalTimestamp: record.approximateArrivalTimestamp } : {}),
    ...(record.keys ? { keys: record.keys } : {}),
    eventRecord: record.eventRecord as FanoutRecord['eventRecord'],
  };
}

/** What each target took of the batch from `fromIndex` on (the record the retry starts at), and how it fails there. */
export function batchProgressOf(settlements: ReadonlyMap<string, TargetSettlement>, fromIndex: number): BatchProgress {
  const progress: BatchProgress = {};
  for (const [id, settlement] of settlements) {
    const { plan, failures } = settlement;
    const had = (position: Position) => plan.previous !== undefined && inRanges(position, plan.previous.taken);
    const sent = new Set(plan.toSend);
    const items = viewItems(plan.view).filter((item) => item.eventIndex >= fromIndex);
    const stored = new Set(settlement.failover.map((item) => item.position));
    const took = (item: ViewItem) => item.record !== undefined && sent.has(item.record) && !failures.has(item.record);
    progress[id] = {
      taken: takenRanges(items, (item) => item.position, (item) => took(item) || stored.has(item.position) || had(item.position)),
      attempts: settlement.held.length > 0 ? settlement.attempts : 0,
      ...(settlement.held.length > 0 && settlement.firstFailureAt ? { firstFailureAt: settlement.firstFailureAt } : {}),
    };
  }
  return progress;
}

/** The state a target's delivery leaves it in. */
export function stateOf(settlement: TargetSettlement): { state: TargetStateName; since?: string; lastError?: string; heldSince?: string } {
  const lastError = settlement.held[0]?.reason ?? settlement.failover[0]?.reason;
  if (settlement.held.length === 0) return { state: 'ok', ...(lastError ? { lastError } : {}) };
  const arrivals = settlement.held.map((held) => held.approximateArrivalTimestamp).filter((at): at is number => at !== undefined);
  return {
    state: settlement.attempts >= STUCK_AFTER_ATTEMPTS ? 'stuck' : 'retrying',
    ...(settlement.firstFailureAt ? { since: settlement.firstFailureAt } : {}),
    ...(lastError ? { lastError } : {}),
    ...(arrivals.length > 0 ? { heldSince: new Date(Math.min(...arrivals) * 1000).toISOString() } : {}),
  };
}
