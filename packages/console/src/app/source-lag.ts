import type { LocalStatus } from '@fanout/runtime/config';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';
import { localRunOf } from './local-run.js';
import { iteratorAgeSeries, minuteWindow, type MinuteWindow } from './metrics.js';

/** How far behind the function reads a source. */
export interface SourceLag {
  /**
   * `local`: the local poller's own lag of the source's shards (the function's code runs here);
   * `lambda`: the function's IteratorAge, which Lambda publishes per function, so the same for
   * every source it reads.
   */
  origin: 'local' | 'lambda';
  /** The largest lag of each minute of the window (the last hour), in milliseconds, oldest first. */
  perMinute: number[];
  /**
   * The lag now, in milliseconds: the local poller's largest over the source's shards (undefined
   * when it reads none of them: not hooked, or paused); Lambda's largest of the last two minutes
   * (the one filling may have no point yet).
   */
  nowMs: number | undefined;
  /** Each shard's lag now (local only). */
  shards: Array<{ shardId: string; millisBehind: number }>;
}

/**
 * How far behind the function is on each source, over the window (the last hour): the local
 * poller's lag per shard while one runs the function here, else the function's AWS/Lambda
 * IteratorAge (maximum per minute), read once for all the sources.
 */
export async function sourceLags(context: AwsContext, deployment: Deployment, sourceArns: readonly string[], window: MinuteWindow = {}): Promise<Map<string, SourceLag>> {
  const local = await localRunOf(context, deployment);
  if (local) return new Map(sourceArns.map((sourceArn) => [sourceArn, localSourceLag(local.status, sourceArn, window)]));
  const perMinute = await iteratorAgeSeries(context, { functionName: deployment.functionName, ...window });
  const lag: SourceLag = { origin: 'lambda', perMinute, nowMs: Math.max(0, ...perMinute.slice(-2)), shards: [] };
  return new Map(sourceArns.map((sourceArn) => [sourceArn, lag]));
}

/** The source's lag from the local poller's status: per minute the largest over its shards. */
export function localSourceLag(status: LocalStatus, sourceArn: string, window: MinuteWindow = {}): SourceLag {
  const { firstMinute, minutes } = minuteWindow(window);
  const shards = status.shards.filter((shard) => shard.sourceArn === sourceArn);
  const perMinute = new Array<number>(minutes).fill(0);
  for (const shard of shards) {
    for (const [minute, largest] of shard.minutes) {
      const index = minute - firstMinute;
      if (index >= 0 && index < minutes) perMinute[index] = Math.max(perMinute[index]!, largest);
    }
  }
  return {
    origin: 'local',
    perMinute,
    nowMs: shards.length === 0 ? undefined : Math.max(...shards.map((shard) => shard.millisBehind)),
    shards: shards.map(({ shardId, millisBehind }) => ({ shardId, millisBehind })),
  };
}
