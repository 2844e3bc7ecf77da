import { useCallback, useMemo, useState } from 'react';
import { sourcesMatching, type DiscoveredSource } from '../../app/sources.js';
import type { AppServices } from '../services.js';
import type { Feedback } from './useFeedback.js';
import { useLoad } from './useLoad.js';
import type { Ask } from './useQuestion.js';

export interface Sources {
  header: ReturnType<typeof useLoad<Awaited<ReturnType<AppServices['header']>>>>;
  list: ReturnType<typeof useLoad<DiscoveredSource[]>>;
  iteratorAge: number[] | undefined;
  /** The sources the filter lets through. */
  shown: readonly DiscoveredSource[];
  /** The filter typed after `/` (undefined: none); `filtering` while it is being typed. */
  filter: string | undefined;
  filtering: boolean;
  setFilter(filter: string | undefined, typing: boolean): void;
  selected: number;
  move(by: number): void;
  find(arn: string): DiscoveredSource | undefined;
  reload(): Promise<void>;
  /** Pauses a hooked source, resumes a paused one. */
  switchPause(source: DiscoveredSource): Promise<void>;
  /** Hooks an unhooked source at once; unhooks a hooked one once the user says yes. */
  switchHook(source: DiscoveredSource): void;
}

/** The header, the sources with their hooks and targets, the function's iterator age; the filter and the selection of the sources screen. */
export function useSources(services: AppServices, feedback: Feedback, ask: Ask): Sources {
  const { functionName } = services.deployment;
  const options = { describe: feedback.describe, onLaterError: feedback.fail };
  const header = useLoad(services.header, options);
  const list = useLoad(services.sources, options);
  const age = useLoad(services.iteratorAge, { describe: feedback.describe, onLaterError: () => undefined });
  const [filter, setFilterText] = useState<string>();
  const [filtering, setFiltering] = useState(false);
  const [selected, setSelected] = useState(0);

  const shown = useMemo(() => (filter ? sourcesMatching(list.value ?? [], filter) : (list.value ?? [])), [list.value, filter]);
  const setFilter = useCallback((text: string | undefined, typing: boolean) => {
    setFilterText(text);
    setFiltering(typing);
    setSelected(0);
  }, []);
  const move = (by: number) => setSelected((index) => Math.min(Math.max(index + by, 0), Math.max(shown.length - 1, 0)));
  const find = useCallback((arn: string) => list.value?.find((source) => source.arn === arn), [list.value]);
  const reload = useCallback(async () => {
    await Promise.all([header.reload(), list.reload(), age.reload()]);
  }, [header.reload, list.reload, age.reload]);

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
      void feedback.attempt(() => services.hook(source.arn)).then((result) => {
        if (!result) return;
        showHook(source, 'enabled');
        feedback.say(`${source.name} hooked to ${functionName}`);
      });
      return;
    }
    ask(`Unhook ${source.name} from ${functionName}?`, async () => {
      if ((await feedback.attempt(() => services.unhook(source.arn))) === undefined) return;
      showHook(source, 'none');
      feedback.say(`${source.name} unhooked`);
    });
  };

  return { header, list, iteratorAge: age.value, shown, filter, filtering, setFilter, selected, move, find, reload, switchPause, switchHook };
}
