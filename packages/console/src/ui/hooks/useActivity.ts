import { useMemo } from 'react';
import type { TargetActivity } from '../../app/metrics.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad } from './useLoad.js';

/** The Delivered and Failed series of a source's targets (one GetMetricData for all), read again every `refreshMs` (CloudWatch has one point a minute). */
export function useActivity(
  services: AppServices,
  feedback: Feedback,
  sourceArn: string | undefined,
  ids: readonly string[],
  { refreshMs, paused }: { refreshMs: number; paused: boolean },
): { series: Readonly<Record<string, TargetActivity>>; reload(): Promise<unknown> } {
  // read again when the ids change, not when the same ids are read again
  const idsKey = ids.join('\n');
  const load = useMemo(
    () => (sourceArn && idsKey ? () => services.activity(sourceArn, idsKey.split('\n')) : undefined),
    [services, sourceArn, idsKey],
  );
  const { value, reload } = useLoad(load, { refreshMs, paused, describe: feedback.describe, onLaterError: feedback.fail });
  return { series: value ?? {}, reload };
}
