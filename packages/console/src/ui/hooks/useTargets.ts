import { useCallback, useEffect, useMemo, useState } from 'react';
import { failuresHeld, redriveSummary } from '../../app/redrive.js';
import { takesEffectText } from '../../app/takes-effect.js';
import type { SourceStates } from '../../app/target-state.js';
import type { StoredTarget } from '../../aws/targets-table.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad } from './useLoad.js';
import type { Ask } from './useQuestion.js';

/** A source's targets and their states, read together: a target's state shows with it. */
export interface SourceTargets {
  targets: StoredTarget[];
  states: SourceStates;
}

export interface Targets {
  /** Undefined until the first read ends. */
  value: SourceTargets | undefined;
  error: string | undefined;
  loading: boolean;
  ids: readonly string[];
  /** The id of the target selected (the targets screen shows it in its order, sorted and filtered). */
  selectedId: string | undefined;
  select(id: string | undefined): void;
  reload(): Promise<SourceTargets | undefined>;
  /** Reads again and selects the target `id`. */
  reloadSelecting(id: string): Promise<void>;
  /** Says what changed of a target's row, and when the function sees it (`copy deactivated · the function sees it within 60 s`), then the detail. */
  changed(text: string, detail?: string): Promise<void>;
  /** Switches the target on or off: shown at once, written at once, rolled back if the write fails. */
  switchActive(stored: StoredTarget): Promise<void>;
  /** Unregisters the target once the user says yes. */
  unregister(stored: StoredTarget): void;
  /** Sends the target's stored failures back to it once the user says yes; its state is read again after. */
  redrive(stored: StoredTarget): Promise<void>;
}

export interface TargetsOptions {
  refreshMs: number;
  /** No reads while the targets screen is covered (the wizard, the help). */
  paused: boolean;
}

/** The targets of the open source (none while no source is open), read again every `refreshMs`, and what the targets screen does to them. */
export function useTargets(
  services: AppServices,
  feedback: Feedback,
  ask: Ask,
  source: { arn: string; name: string } | undefined,
  { refreshMs, paused }: TargetsOptions,
): Targets {
  const sourceArn = source?.arn;
  const load = useMemo(
    () => (sourceArn ? async () => {
      const [targets, states] = await Promise.all([services.targets(sourceArn), services.targetStates(sourceArn)]);
      return { targets, states };
    } : undefined),
    [services, sourceArn],
  );
  const loaded = useLoad(load, { refreshMs, paused, describe: feedback.describe, onLaterError: feedback.fail });
  const [selectedId, select] = useState<string>();
  useEffect(() => select(undefined), [sourceArn]);

  const ids = useMemo(() => (loaded.value?.targets ?? []).map((stored) => String(stored.row.id)), [loaded.value]);

  const reloadSelecting = useCallback(
    async (id: string) => {
      const read = await loaded.reload();
      if (read?.targets.some((stored) => stored.row.id === id)) select(id);
    },
    [loaded.reload],
  );

  const changed = useCallback(
    async (text: string, detail?: string) => {
      // what the change is said with, when the function's settings can be read; before the detail, which a narrow status line cuts
      const seconds = await services.changesSeenWithin().catch(() => undefined);
      feedback.say([text, seconds === undefined ? '' : takesEffectText(seconds), detail ?? ''].filter(Boolean).join(' · '));
    },
    [services, feedback.say],
  );

  const switchActive = async (chosen: StoredTarget) => {
    const target = chosen.target;
    if (!sourceArn || !target) return;
    const { id, active } = target;
    const withActive = (value: boolean) => (read: SourceTargets) => ({
      ...read,
      targets: read.targets.map((item) => (item.target?.id === id ? { ...item, row: { ...item.row, active: value }, target: { ...item.target, active: value } } : item)),
    });
    loaded.update(withActive(!active));
    const written = await feedback.attempt(() => services.setActive(sourceArn, id, !active));
    if (written) await changed(`${id} ${written.active ? 'activated' : 'deactivated'}`);
    else loaded.update(withActive(active));
  };

  const unregister = (chosen: StoredTarget) => {
    const id = chosen.row.id;
    if (!sourceArn || typeof id !== 'string') return;
    ask(`Unregister target ${id} of ${source?.name}?`, async () => {
      if ((await feedback.attempt(() => services.unregister(sourceArn, id))) === undefined) return;
      await changed(`${id} unregistered`);
      await loaded.reload();
    });
  };

  const redrive = async (chosen: StoredTarget) => {
    const id = chosen.row.id;
    if (!sourceArn || typeof id !== 'string') return;
    const plan = await feedback.attempt(() => services.planRedrive(sourceArn, id));
    if (!plan) return;
    // short enough for the status line (the command names the store too)
    ask(`Send ${failuresHeld(plan)} stored for ${id} back to it?`, async () => {
      feedback.say(`${id}: redriving…`);
      const result = await feedback.attempt(() => services.redrive(plan));
      if (!result) return;
      feedback.say(`${id}: ${redriveSummary(result)}`);
      await loaded.reload();
    });
  };

  return { value: loaded.value, error: loaded.error, loading: loaded.loading, ids, selectedId, select, changed, reload: loaded.reload, reloadSelecting, switchActive, unregister, redrive };
}
