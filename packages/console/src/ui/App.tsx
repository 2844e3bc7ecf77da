import { Box, useApp, useInput, useWindowSize } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Header as HeaderInfo } from '../app/header.js';
import type { TargetActivity } from '../app/metrics.js';
import { sourcesMatching, type DiscoveredSource } from '../app/sources.js';
import type { SourceStates } from '../app/target-state.js';
import { failuresHeld, redriveSummary } from '../app/redrive.js';
import type { TargetConfig } from '@fanout/runtime/config';
import type { StoredTarget } from '../aws/targets-table.js';
import { describeAwsError, UsageError } from '../errors.js';
import { Header } from './components/Header.js';
import { HelpScreen } from './components/HelpScreen.js';
import { DEFAULT_REFRESH_SECONDS } from './refresh.js';
import { StatusLine, type Status } from './components/StatusLine.js';
import { DeploymentFlow, type DeploymentAction } from './screens/DeploymentFlow.js';
import { NoCredentialsScreen } from './screens/NoCredentialsScreen.js';
import { SourcesScreen } from './screens/SourcesScreen.js';
import { TargetsScreen } from './screens/TargetsScreen.js';
import type { AppServices } from './services.js';
import { Wizard } from './wizard/Wizard.js';

export interface AppProps {
  services: AppServices;
  /** How often the open source's targets are read again. */
  refreshMs?: number;
  /** How often their metrics are read again (CloudWatch has one point a minute). */
  metricsRefreshMs?: number;
  /** False under NO_COLOR. */
  colors?: boolean;
}

type Screen = 'sources' | 'targets';

/** Lines the header, the column titles and the status line take. */
const CHROME_LINES = 5;

function messageOf(error: unknown): string {
  return error instanceof UsageError ? error.message : describeAwsError(error);
}

export function App({ services, refreshMs = DEFAULT_REFRESH_SECONDS * 1_000, metricsRefreshMs = 60_000, colors = true }: AppProps) {
  const { exit } = useApp();
  const size = useWindowSize();
  const [header, setHeader] = useState<HeaderInfo>();
  const [sources, setSources] = useState<DiscoveredSource[]>([]);
  const [iteratorAge, setIteratorAge] = useState<number[]>();
  const [screen, setScreen] = useState<Screen>('sources');
  const [helpOpen, setHelpOpen] = useState(false);
  const [sourceIndex, setSourceIndex] = useState(0);
  const [filter, setFilter] = useState<string>();
  const [filtering, setFiltering] = useState(false);
  const [openSource, setOpenSource] = useState<DiscoveredSource>();
  const [targets, setTargets] = useState<StoredTarget[]>([]);
  const [states, setStates] = useState<SourceStates>();
  const [targetIndex, setTargetIndex] = useState(0);
  const [activity, setActivity] = useState<Record<string, TargetActivity>>({});
  const [status, setStatus] = useState<Status>();
  const [pending, setPending] = useState(0);
  const [noCredentials, setNoCredentials] = useState(false);
  /** A question waiting for y (any other key says no), and what a yes does. */
  /** The register wizard when open, with the target it changes when it edits one. */
  const [wizard, setWizard] = useState<{ editing?: TargetConfig }>();
  const [confirmation, setConfirmation] = useState<{ question: string; onYes: () => Promise<void> }>();
  /** The deploy or destroy screen when open: it takes the keys until it is closed. */
  const [deploymentAction, setDeploymentAction] = useState<DeploymentAction>();

  /** Runs an AWS call with a visible loading state; its error goes to the status line and the app goes on. */
  const attempt = useCallback(async <Result,>(action: () => Promise<Result>): Promise<Result | undefined> => {
    setPending((count) => count + 1);
    try {
      return await action();
    } catch (error) {
      const message = messageOf(error);
      if (message.startsWith('no AWS credentials found')) setNoCredentials(true);
      setStatus({ kind: 'error', text: message });
      return undefined;
    } finally {
      setPending((count) => count - 1);
    }
  }, []);

  const loadSources = useCallback(async () => {
    const [loadedHeader, loadedSources, age] = await Promise.all([
      attempt(services.header),
      attempt(services.sources),
      attempt(services.iteratorAge),
    ]);
    if (loadedHeader) setHeader(loadedHeader);
    if (loadedSources) setSources(loadedSources);
    if (age) setIteratorAge(age);
  }, [attempt, services]);

  /** The source's targets and their states, read together (each refresh): a target's state shows at once. */
  const loadTargets = useCallback(
    async (source: DiscoveredSource) => {
      const [loaded, loadedStates] = await Promise.all([attempt(() => services.targets(source.arn)), attempt(() => services.targetStates(source.arn))]);
      if (loaded) setTargets(loaded);
      if (loadedStates) setStates(loadedStates);
      return loaded;
    },
    [attempt, services],
  );

  const loadActivity = useCallback(
    async (source: DiscoveredSource, ids: readonly string[]) => {
      if (ids.length === 0) return;
      const loaded = await attempt(() => services.activity(source.arn, ids));
      if (loaded) setActivity(loaded);
    },
    [attempt, services],
  );

  useEffect(() => {
    void loadSources();
  }, [loadSources]);

  const targetIds = useMemo(() => targets.map((stored) => String(stored.row.id)), [targets]);
  const targetIdsKey = targetIds.join('\n');

  useEffect(() => {
    if (!openSource) return;
    const timer = setInterval(() => void loadTargets(openSource), refreshMs);
    return () => clearInterval(timer);
  }, [openSource, refreshMs, loadTargets]);

  useEffect(() => {
    if (!openSource) return;
    void loadActivity(openSource, targetIdsKey ? targetIdsKey.split('\n') : []);
    const timer = setInterval(() => void loadActivity(openSource, targetIdsKey ? targetIdsKey.split('\n') : []), metricsRefreshMs);
    return () => clearInterval(timer);
  }, [openSource, targetIdsKey, metricsRefreshMs, loadActivity]);

  const shownSources = useMemo(
    () => (filter ? sourcesMatching(sources, filter) : sources),
    [sources, filter],
  );

  const open = (source: DiscoveredSource | undefined) => {
    if (!source) return;
    setOpenSource(source);
    setTargets([]);
    setStates(undefined);
    setActivity({});
    setTargetIndex(0);
    setScreen('targets');
    void loadTargets(source);
  };

  /** Switches the selected target on or off: shown at once, written at once, rolled back if the write fails. */
  const toggleSelectedTarget = async () => {
    const stored = targets[targetIndex];
    if (!openSource || !stored?.target) return;
    const { id, active } = stored.target;
    const withActive = (value: boolean) => (list: StoredTarget[]) =>
      list.map((item) => (item === stored || item.target?.id === id ? { ...item, row: { ...item.row, active: value }, target: { ...item.target!, active: value } } : item));
    setTargets(withActive(!active));
    const written = await attempt(() => services.setActive(openSource.arn, id, !active));
    if (written) setStatus({ kind: 'info', text: `${id} ${written.active ? 'activated' : 'deactivated'}` });
    else setTargets(withActive(active));
  };

  /**
   * Shows a source's new hook state in the list, and on its targets screen when it is the open one.
   * A pause or resume keeps the consumer the hook reads through; the app hooks without one.
   */
  const showHook = (source: DiscoveredSource, hook: DiscoveredSource['hook']) => {
    const changed = { hook, consumer: hook === 'none' || source.hook === 'none' ? undefined : source.consumer };
    setSources((list) => list.map((item) => (item.arn === source.arn ? { ...item, ...changed } : item)));
    if (openSource?.arn === source.arn) setOpenSource({ ...source, ...changed });
  };

  /** Pauses a hooked source, resumes a paused one. */
  const switchHook = async (source: DiscoveredSource | undefined) => {
    if (!source) return;
    if (source.hook !== 'enabled' && source.hook !== 'paused') {
      setStatus({ kind: 'error', text: `${source.name} is not hooked to ${services.deployment.functionName}: hook it first (fanout-console hook)` });
      return;
    }
    const resumed = source.hook === 'paused';
    const result = await attempt(() => services.setHookEnabled(source.arn, resumed));
    if (!result) return;
    setStatus({ kind: 'info', text: `${source.name} ${resumed ? 'resumed' : 'paused'}` });
    showHook(source, resumed ? 'enabled' : 'paused');
  };

  /** Unregisters the selected target once the user says yes. */
  const unregisterSelectedTarget = () => {
    const id = targets[targetIndex]?.row.id;
    if (!openSource || typeof id !== 'string') return;
    setConfirmation({
      question: `Unregister target ${id} of ${openSource.name}?`,
      onYes: async () => {
        if ((await attempt(() => services.unregister(openSource.arn, id))) === undefined) return;
        setStatus({ kind: 'info', text: `${id} unregistered` });
        setTargetIndex((index) => Math.max(0, Math.min(index, targets.length - 2)));
        await loadTargets(openSource);
      },
    });
  };

  /** Sends the selected target's stored failures back to it once the user says yes; its state is read again after. */
  const redriveSelectedTarget = async () => {
    const id = targets[targetIndex]?.row.id;
    if (!openSource || typeof id !== 'string') return;
    const plan = await attempt(() => services.planRedrive(openSource.arn, id));
    if (!plan) return;
    setConfirmation({
      // short enough for the status line (the command names the store too)
      question: `Send ${failuresHeld(plan)} stored for ${id} back to it?`,
      onYes: async () => {
        setStatus({ kind: 'info', text: `${id}: redriving…` });
        const result = await attempt(() => services.redrive(plan));
        if (!result) return;
        setStatus({ kind: 'info', text: `${id}: ${redriveSummary(result)}` });
        await loadTargets(openSource);
      },
    });
  };

  /** Opens the wizard on the selected target; a row the runtime refuses cannot be edited field by field. */
  const editSelectedTarget = () => {
    const stored = targets[targetIndex];
    if (!openSource || !stored) return;
    if (stored.target) return setWizard({ editing: stored.target });
    setStatus({ kind: 'error', text: `${String(stored.row.id)} is invalid (${stored.problems.join('; ')}): fix it with fanout-console update, or unregister it` });
  };

  /** Hooks an unhooked source at once; unhooks a hooked one once the user says yes. */
  const switchHooked = (source: DiscoveredSource | undefined) => {
    if (!source) return;
    if (source.hook === 'none') {
      void attempt(() => services.hook(source.arn)).then((result) => {
        if (!result) return;
        showHook(source, 'enabled');
        setStatus({ kind: 'info', text: `${source.name} hooked to ${services.deployment.functionName}` });
      });
      return;
    }
    setConfirmation({
      question: `Unhook ${source.name} from ${services.deployment.functionName}?`,
      onYes: async () => {
        if ((await attempt(() => services.unhook(source.arn))) === undefined) return;
        showHook(source, 'none');
        setStatus({ kind: 'info', text: `${source.name} unhooked` });
      },
    });
  };

  /** The wizard wrote a target: back to the targets, that one selected. */
  const saved = async (target: TargetConfig) => {
    setStatus({ kind: 'info', text: `${target.id} ${wizard?.editing ? 'changed' : 'registered'} (${target.type} → ${target.destination})` });
    setWizard(undefined);
    if (!openSource) return;
    const loaded = await loadTargets(openSource);
    const index = loaded?.findIndex((stored) => stored.row.id === target.id) ?? -1;
    if (index >= 0) setTargetIndex(index);
  };

  /** Deploys once the user says yes; the steps show on their own screen. */
  const askDeploy = () =>
    setConfirmation({
      question: `Deploy ${services.deployment.functionName} (create or update its role, tables, store, function and policy)?`,
      onYes: async () => setDeploymentAction('deploy'),
    });

  /** Back from deploy or destroy: the function's state and the hooks have changed. */
  const closeDeployment = () => {
    setDeploymentAction(undefined);
    void loadSources();
  };

  useInput((input, key) => {
    if (deploymentAction) return;
    // the wizard takes the keys while it is shown; the no-credentials screen replaces it
    if (wizard && !noCredentials) return;
    if (confirmation) {
      setConfirmation(undefined);
      if (input === 'y' || input === 'Y') void confirmation.onYes();
      else setStatus({ kind: 'info', text: 'nothing changed' });
      return;
    }
    if (filtering) {
      if (key.escape) {
        setFilter(undefined);
        setFiltering(false);
      } else if (key.return) setFiltering(false);
      else if (key.backspace || key.delete) setFilter((text) => (text ?? '').slice(0, -1));
      else if (input && !key.ctrl && !key.meta) {
        setFilter((text) => (text ?? '') + input);
        setSourceIndex(0);
      }
      return;
    }
    if (input === 'q') return exit();
    if (input === '?') return setHelpOpen((opened) => !opened);
    if (helpOpen) {
      if (key.escape) setHelpOpen(false);
      return;
    }
    if (noCredentials) return;
    const move = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : 0;
    if (screen === 'sources') {
      if (move) setSourceIndex((index) => Math.min(Math.max(index + move, 0), Math.max(shownSources.length - 1, 0)));
      else if (key.return) open(shownSources[sourceIndex]);
      else if (input === '/') {
        setFilter('');
        setFiltering(true);
      } else if (key.escape && filter !== undefined) setFilter(undefined);
      else if (input === 'r') void loadSources();
      else if (input === 'p') void switchHook(shownSources[sourceIndex]);
      else if (input === 'h') switchHooked(shownSources[sourceIndex]);
      else if (input === 'd') askDeploy();
      else if (input === 'X') setDeploymentAction('destroy');
      return;
    }
    if (move) setTargetIndex((index) => Math.min(Math.max(index + move, 0), Math.max(targets.length - 1, 0)));
    else if (input === ' ') void toggleSelectedTarget();
    else if (input === 'p') void switchHook(openSource);
    else if (input === 'h') switchHooked(openSource);
    else if (input === 'x') unregisterSelectedTarget();
    else if (input === 'R') void redriveSelectedTarget();
    else if (input === 'n' && openSource) setWizard({});
    else if (input === 'e') editSelectedTarget();
    else if (input === 'r' && openSource) {
      void loadTargets(openSource).then((loaded) => loaded && loadActivity(openSource, loaded.map((stored) => String(stored.row.id))));
    } else if (key.escape) {
      setScreen('sources');
      setOpenSource(undefined);
      void loadSources();
    }
  });

  const listHeight = size.rows - CHROME_LINES;
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header
        account={header?.account}
        region={header?.region}
        endpoint={header?.endpoint}
        functionName={services.deployment.functionName}
        functionState={header?.functionState}
        tableName={services.deployment.tableName}
      />
      {deploymentAction ? (
        <DeploymentFlow
          services={services}
          action={deploymentAction}
          attempt={attempt}
          onStatus={setStatus}
          onClose={closeDeployment}
          width={size.columns}
          height={listHeight}
          colors={colors}
        />
      ) : noCredentials ? (
        <NoCredentialsScreen />
      ) : helpOpen ? (
        <HelpScreen />
      ) : screen === 'targets' && openSource && wizard ? (
        <Wizard
          services={services}
          sourceArn={openSource.arn}
          sourceName={openSource.name}
          existingIds={targetIds}
          editing={wizard.editing}
          attempt={attempt}
          onSaved={(target) => void saved(target)}
          onClose={() => setWizard(undefined)}
          height={listHeight}
        />
      ) : screen === 'targets' && openSource ? (
        <TargetsScreen
          source={openSource}
          targets={targets}
          states={states?.sourceArn === openSource.arn ? states : undefined}
          selected={targetIndex}
          activity={activity}
          width={size.columns}
          height={listHeight}
          colors={colors}
        />
      ) : (
        <SourcesScreen sources={shownSources} selected={sourceIndex} filter={filter} iteratorAge={iteratorAge} width={size.columns} height={listHeight} colors={colors} />
      )}
      <StatusLine status={status} loading={pending > 0} question={confirmation?.question} />
    </Box>
  );
}
