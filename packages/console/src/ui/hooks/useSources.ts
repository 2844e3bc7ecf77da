import { useCallback, useMemo, useState } from 'react';
import type { SourceLag } from '../../app/source-lag.js';
import { sourcesMatching, type DiscoveredSource } from '../../app/sources.js';
import type { StartingPositionChoice } from '../../app/hooks.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad } from './useLoad.js';
import type { Ask } from './useQuestion.js';
import { useTextFilter, type TextFilter } from './useTextFilter.js';

export interface Sources {
  header: ReturnType<typeof useLoad<Awaited<ReturnType<AppServices['header']>>>>;
  list: ReturnType<typeof useLoad<DiscoveredSource[]>>;
  /** How far behind the function is on each source, by ARN; read again every `refreshMs`. */
  lags: ReadonlyMap<string, SourceLag> | undefined;
  /** The sources the filter lets through. */
  shown: readonly DiscoveredSource[];
  /** The filter of the sources' names, typed after `/`. */
  filter: TextFilter;
  selected: number;
  move(by: number): void;
  find(arn: string): DiscoveredSource | undefined;
  reload(): Promise<void>;
  /** Pauses a hooked source, resumes a paused one. */
  switchPause(source: DiscoveredSource): Promise<void>;
  /** Hooks an unhooked source once the user picks where it starts; unhooks a hooked one once the user says yes. */
  switchHook(source: DiscoveredSource): void;
  /** The hook waiting for its starting position, when one is. */
  hooking: Hooking | undefined;
  /** Hooks the source of `hooking` at the position picked; undefined: it is not hooked. */
  hookAt(position: StartingPosition | undefined): void;
}

export type StartingPosition = StartingPositionChoice['position'];

/** A source to hook, and where its hook starts unless another is picked. */
export interface Hooking {
  source: DiscoveredSource;
  preselected: StartingPosition;
  /** When it was last unhooked (the reason for LATEST). */
  unhookedAt: string | undefined;
}

/** The header, the sources with their hooks and targets, their lag; the filter and the selection of the sources screen. */
export function useSources(services: AppServices, feedback: Feedback, ask: Ask, { refreshMs, paused }: { refreshMs: number; paused: boolean }): Sources {
  const { functionName } = services.deployment;
  const options = { describe: feedback.describe, onLaterError: feedback.fail };
  const header = useLoad(services.header, options);
  const list = useLoad(services.sources, options);
  // read again when the sources change, not when the same sources are read again
  const arnsKey = (list.value ?? []).map((source) => source.arn).join('\n');
  const loadLags = useMemo(() => (arnsKey ? () => services.sourceLags(arnsKey.split('\n')) : undefined), [services, arnsKey]);
  // a lag that cannot be read leaves the column dim; it says nothing on the status line
  const lags = useLoad(loadLags, { refreshMs, paused, describe: feedback.describe, onLaterError: () => undefined });
  const [selected, setSelected] = useState(0);
  const [hooking, setHooking] = useState<Hooking>();
  const filter = useTextFilter(useCallback(() => setSelected(0), []));

  const shown = useMemo(() => (filter.text ? sourcesMatching(list.value ?? [], filter.text) : (list.value ?? [])), [list.value, filter.text]);
  const move = (by: number) => setSelected((index) => Math.min(Math.max(index + by, 0), Math.max(shown.length - 1, 0)));
  const find = useCallback((arn: string) => list.value?.find((source) => source.arn === arn), [list.value]);
  const reload = useCallback(async () => {
    await Promise.all([header.reload(), list.reload(), lags.reload()]);
  }, [header.reload, list.reload, lags.reload]);

  /** A pause or resume keeps the consumer the hook reads through; the app hooks without one. */
  const showHook = (source: DiscoveredSource, hook: DiscoveredSource['hook']) => {
    const consumer = hook === 'none' || source.hook === 'none' ? undefined : source.consumer;
    list.update((sources) => sources.map((item) => (item.arn === source.arn ? { ...item, hook, consumer } : item)));
  };

  const switchPause = async (source: DiscoveredSource) => {
    if (source.hook !== 'enabled' && source.hook !== 'paused') {
      feedback.say(`${source.name} is not hooked to ${functionName}: hook it first (fanout-console hook)`, 'error');
      return;
    }
    const resumed = source.hook === 'paused';
    if (!(await feedback.attempt(() => services.setHookEnabled(source.arn, resumed)))) return;
    feedback.say(`${source.name} ${resumed ? 'resumed' : 'paused'}`);
    showHook(source, resumed ? 'enabled' : 'paused');
  };

  const switchHook = (source: DiscoveredSource) => {
    if (source.hook === 'none') {
      void feedback.attempt(() => services.defaultStartingPosition(source.arn)).then((choice) => {
        if (choice) setHooking({ source, preselected: choice.position, unhookedAt: choice.unhookedAt });
      });
      return;
    }
    ask(`Unhook ${source.name} from ${functionName}?`, async () => {
      if ((await feedback.attempt(() => services.unhook(source.arn))) === undefined) return;
      showHook(source, 'none');
      feedback.say(`${source.name} unhooked`);
    });
  };

  const hookAt = (position: StartingPosition | undefined) => {
    const source = hooking?.source;
    setHooking(undefined);
    if (!source) return;
    if (!position) {
      feedback.say('nothing changed');
      return;
    }
    void feedback.attempt(() => services.hook(source.arn, position)).then((result) => {
      if (!result) return;
      showHook(source, 'enabled');
      feedback.say(`${source.name} hooked to ${functionName}, from ${position}`);
    });
  };

  return { header, list, lags: lags.value, shown, filter, selected, move, find, reload, switchPause, switchHook, hooking, hookAt };
}
