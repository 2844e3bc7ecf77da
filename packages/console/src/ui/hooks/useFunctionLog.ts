import { useMemo, useState } from 'react';
import type { FunctionLog } from '../../app/function-log.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad, type Loaded } from './useLoad.js';

export interface FunctionLogView extends Loaded<FunctionLog> {
  /** Whether only the lines about the target are shown. */
  onlyTarget: boolean;
  /** Switches between every line and the target's only (a pane opened without a target has every line). */
  switchTarget(): void;
}

/** The function's recent log lines, all or the target's, read when the pane opens and again every `refreshMs`. */
export function useFunctionLog(
  services: AppServices,
  feedback: Feedback,
  target: { id: string; sourceArn: string } | undefined,
  { onlyTarget: initially, refreshMs }: { onlyTarget: boolean; refreshMs: number },
): FunctionLogView {
  const [onlyTarget, setOnlyTarget] = useState(initially && target !== undefined);
  const id = target?.id;
  const sourceArn = target?.sourceArn;
  const load = useMemo(
    () => () => services.functionLog(onlyTarget && id ? { target: { id, sourceArn } } : {}),
    [services, onlyTarget, id, sourceArn],
  );
  const loaded = useLoad(load, { refreshMs, describe: feedback.describe, onLaterError: feedback.fail });
  return { ...loaded, onlyTarget, switchTarget: () => setOnlyTarget((only) => !only && id !== undefined) };
}
