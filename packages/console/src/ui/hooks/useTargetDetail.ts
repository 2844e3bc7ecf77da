import { useMemo } from 'react';
import type { TargetDetail } from '../../app/target-detail.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad, type Loaded } from './useLoad.js';

/** One target in full, read when the detail view opens and again every `refreshMs`. */
export function useTargetDetail(services: AppServices, feedback: Feedback, sourceArn: string, id: string, refreshMs: number): Loaded<TargetDetail> {
  const load = useMemo(() => () => services.targetDetail(sourceArn, id), [services, sourceArn, id]);
  return useLoad(load, { refreshMs, describe: feedback.describe, onLaterError: feedback.fail });
}
