import { useCallback, useEffect, useMemo, useState } from 'react';
import { failuresHeld, redriveSummary } from '../../app/redrive.js';
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
  selected: number;
  /** The selected target's row, when there is one. */
  chosen: StoredTarget | undefined;
  move(by: number): void;
  reload(): Promise<SourceTargets | undefined>;
  /** Reads again and selects the target `id`. */
  reloadSelecting(id: string): Promise<void>;
  /** Switches the selected target on or off: shown at once, written at once, rolled back if the write fails. */
  switchActive(): Promise<void>;
  /** Unregisters the selected target once the user says yes. */
  unregister(): void;
  /** Sends the selected target's stored failures back to it once the user says yes; its state is read again after. */
  redrive(): Promise<void>;
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
  const [selected, setSelected] = useState(0);
  useEffect(() => setSelected(0), [sourceArn]);

  const targets = loaded.value?.targets ?? [];
  const ids = useMemo(() => (loaded.value?.targets ?? []).map((stored) => String(stored.row.id)), [loaded.value]);
  const chosen = targets[selected];
  const move = (by: number) => setSelected((index) => Math.min(Math.max(index + by, 0), Math.max(targets.length - 1, 0)));

  const reloadSelecting = useCallback(
    async (id: string) => {
      const read = await loaded.reload();
      const index = read?.targets.findIndex((stored) => stored.row.id === id) ?? -1;
      if (index >= 0) setSelected(index);
    },
    [loaded.reload],
  );

  const switchActive = async () => {
    const target = chosen?.target;
    if (!sourceArn || !target) return;
    const { id, active } = target;
    const withActive = (value: boolean) => (read: SourceTargets) => ({
      ...read,
      targets: read.targets.map((item) => (item.target?.id === id ? { ...item, row: { ...item.row, active: value }, target: { ...item.target, active: value } } : item)),
    });
    loaded.update(withActive(!active));
    const written = await feedback.attempt(() => services.setActive(sourceArn, id, !active));
    if (written) feedback.say(`${id} ${written.active ? 'activated' : 'deactivated'}`);
    else loaded.update(withActive(active));
  };

  const unregister = () => {
    const id = chosen?.row.id;
    if (!sourceArn || typeof id !== 'string') return;
    ask(`Unregister target ${id} of ${source?.name}?`, async () => {
      if ((await feedback.attempt(() => services.unregister(sourceArn, id))) === undefined) return;
      feedback.say(`${id} unregistered`);
      setSelected((index) => Math.max(0, Math.min(index, targets.length - 2)));
      await loaded.reload();
    });
  };

  const redrive = async () => {
    const id = chosen?.row.id;
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

  return { value: loaded.value, error: loaded.error, loading: loaded.loading, ids, selected, chosen, move, reload: loaded.reload, reloadSelecting, switchActive, unregister, redrive };
}
