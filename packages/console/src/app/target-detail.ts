import { parseFailureStore, type FailureStoreRef, type TargetConfig } from '@fanout/runtime/config';
import { fanoutVariables, functionConfiguration } from '../aws/deployment.js';
import { storedFailures, type StoredFailures } from '../aws/failure-store.js';
import type { Deployment } from '../aws/names.js';
import { TargetsTable } from '../aws/targets-table.js';
import type { AwsContext } from '../context.js';
import { targetCounterSeries, type MinuteWindow } from './metrics.js';
import { sourceStates, targetStatus, type TargetStatus } from './target-state.js';

/** One counter of a target over the window (the last hour): per minute, and as numbers. */
export interface CounterFigures {
  /** Records per minute, oldest first. */
  perMinute: number[];
  /** Records in the last whole minute: the one before the minute still filling (the last of `perMinute`), so the one before the last. */
  lastMinute: number;
  /** Records over the whole window. */
  total: number;
}

export function counterFigures(perMinute: readonly number[]): CounterFigures {
  return { perMinute: [...perMinute], lastMinute: perMinute.at(-2) ?? 0, total: perMinute.reduce((sum, value) => sum + value, 0) };
}

/** A target's failure store, and what it holds. */
export interface TargetStore extends StoredFailures {
  arn: string;
  kind: FailureStoreRef['kind'];
  /** Whether it is the target's own (`onFailure`) or the function's (`FAILURE_STORE`). */
  from: 'target' | 'function';
}

/** Everything the detail view shows of one target. */
export interface TargetDetail {
  sourceArn: string;
  id: string;
  /** The row as stored, every field of it. */
  row: Record<string, unknown>;
  /** The row as the runtime reads it, its defaults filled in; undefined for an invalid row (see `problems`). */
  target: TargetConfig | undefined;
  problems: string[];
  /** The destination whole, as the row stores it. */
  destination: string;
  /** Its state as `list` shows it: ok, retrying or stuck since when, how far behind, its count of stored failures, its last error. */
  status: TargetStatus;
  delivered: CounterFigures;
  failed: CounterFigures;
  rejected: CounterFigures;
  /** Undefined when it has none: no onFailure, and no FAILURE_STORE on the function. */
  store: TargetStore | undefined;
}

/**
 * One target in full, for the detail view: its row, its state (one Query of the progress table),
 * its Delivered, Failed and Rejected counters per minute over the window (the last hour) with the
 * last minute's and the window's figures (one GetMetricData, in the function's METRICS_NAMESPACE),
 * and what its failure store holds. Throws a UsageError for a target that does not exist.
 */
export async function targetDetail(context: AwsContext, deployment: Deployment, sourceArn: string, id: string, window: MinuteWindow = {}): Promise<TargetDetail> {
  const [configuration, stored, states] = await Promise.all([
    functionConfiguration(context, deployment.functionName),
    new TargetsTable(context, deployment.tableName).get(sourceArn, id),
    sourceStates(context, deployment, sourceArn),
  ]);
  const { metricsNamespace, failureStore } = fanoutVariables(configuration);
  const ownStore = stored.target?.onFailure ?? (typeof stored.row.onFailure === 'string' ? stored.row.onFailure : undefined);
  const store = parseFailureStore(ownStore ?? failureStore ?? '');
  const [series, held] = await Promise.all([
    targetCounterSeries(context, { functionName: deployment.functionName, sourceArn, targetIds: [id], namespace: metricsNamespace, ...window }, ['Delivered', 'Failed', 'Rejected']),
    store ? storedFailures(context, store, sourceArn, id) : undefined,
  ]);
  const { Delivered, Failed, Rejected } = series[id]!;
  return {
    sourceArn,
    id,
    row: stored.row,
    target: stored.target,
    problems: stored.problems,
    destination: String(stored.row.destination ?? ''),
    status: targetStatus(states, id),
    delivered: counterFigures(Delivered),
    failed: counterFigures(Failed),
    rejected: counterFigures(Rejected),
    store: store && held ? { arn: store.arn, kind: store.kind, from: ownStore ? 'target' : 'function', ...held } : undefined,
  };
}
