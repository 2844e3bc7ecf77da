import { useCallback, useMemo, useRef, useState } from 'react';
import type { TargetActivity } from '../../app/metrics.js';
import { counterFigures } from '../../app/target-detail.js';
import { targetStatus } from '../../app/target-state.js';
import type { StoredTarget } from '../../aws/targets-table.js';
import type { Targets } from './useTargets.js';
import { useTextFilter, type TextFilter } from './useTextFilter.js';

/** The orders of the targets screen, in the order `s` goes through them. */
export const TARGET_SORTS = ['id', 'type', 'state', 'failed'] as const;
export type TargetSort = (typeof TARGET_SORTS)[number];

export interface TargetsView {
  /** The targets the filter lets through, in the sort's order. */
  shown: readonly StoredTarget[];
  selected: number;
  chosen: StoredTarget | undefined;
  move(by: number): void;
  sort: TargetSort;
  /** The next sort (after `failed`, `id` again). */
  cycleSort(): void;
  /** Typed after `/`: the targets whose id, type or destination hold it, whatever the case. */
  filter: TextFilter;
}

/** Worst first. */
const STATE_RANK: Record<string, number> = { stuck: 0, retrying: 1, ok: 2 };

const text = (stored: StoredTarget, field: 'id' | 'type' | 'destination') => String(stored.row[field] ?? '');

/** The targets screen's order and filter, over the open source's targets; the selection follows the target, not its place. */
export function useTargetsView(targets: Targets, activity: Readonly<Record<string, TargetActivity>>): TargetsView {
  const [sort, setSort] = useState<TargetSort>('id');
  const place = useRef(0);
  const { select } = targets;
  const filter = useTextFilter(
    useCallback(() => {
      place.current = 0;
      select(undefined);
    }, [select]),
  );
  const all = targets.value?.targets;
  const states = targets.value?.states;

  const shown = useMemo(() => {
    const wanted = filter.text?.toLowerCase();
    const kept = (all ?? []).filter((stored) => !wanted || (['id', 'type', 'destination'] as const).some((field) => text(stored, field).toLowerCase().includes(wanted)));
    const failed = (stored: StoredTarget) => counterFigures(activity[text(stored, 'id')]?.failed ?? []).total;
    const state = (stored: StoredTarget) => STATE_RANK[targetStatus(states, text(stored, 'id')).state ?? ''] ?? 3;
    const key: Record<TargetSort, (a: StoredTarget, b: StoredTarget) => number> = {
      id: () => 0,
      type: (a, b) => text(a, 'type').localeCompare(text(b, 'type')),
      state: (a, b) => state(a) - state(b),
      failed: (a, b) => failed(b) - failed(a),
    };
    return kept.sort((a, b) => key[sort](a, b) || text(a, 'id').localeCompare(text(b, 'id')));
  }, [all, states, activity, sort, filter.text]);

  const found = shown.findIndex((stored) => stored.row.id === targets.selectedId);
  // a target gone (unregistered, filtered out) leaves the selection where it was
  const selected = found >= 0 ? found : Math.min(place.current, Math.max(0, shown.length - 1));
  place.current = selected;
  const chosen = shown[selected];
  const move = (by: number) => {
    const next = shown[Math.min(Math.max(selected + by, 0), Math.max(shown.length - 1, 0))];
    if (next) select(String(next.row.id));
  };
  const cycleSort = () => {
    // the selected target stays selected wherever the new order puts it
    if (chosen) select(String(chosen.row.id));
    setSort((now) => TARGET_SORTS[(TARGET_SORTS.indexOf(now) + 1) % TARGET_SORTS.length]!);
  };
  return { shown, selected, chosen, move, sort, cycleSort, filter };
}
