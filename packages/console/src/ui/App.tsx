import { Box, useApp, useInput, useWindowSize } from 'ink';
import { useCallback, useState } from 'react';
import { Header } from './components/Header.js';
import { HelpScreen } from './components/HelpScreen.js';
import { StatusLine } from './components/StatusLine.js';
import { useActivity } from './hooks/useActivity.js';
import { useFeedback } from './hooks/useFeedback.js';
import { useQuestion } from './hooks/useQuestion.js';
import { useRouter, type Route } from './hooks/useRouter.js';
import { useSources } from './hooks/useSources.js';
import { useFunctionLog } from './hooks/useFunctionLog.js';
import { useTargetDetail } from './hooks/useTargetDetail.js';
import { useTargets } from './hooks/useTargets.js';
import { useTargetsView } from './hooks/useTargetsView.js';
import { DEFAULT_REFRESH_SECONDS } from './refresh.js';
import { DeploymentFlow } from './screens/DeploymentFlow.js';
import { StartQuestion } from './components/StartQuestion.js';
import { LogScreen } from './screens/LogScreen.js';
import { NoCredentialsScreen } from './screens/NoCredentialsScreen.js';
import { TargetDetailScreen } from './screens/TargetDetailScreen.js';
import { SourcesScreen } from './screens/SourcesScreen.js';
import { TargetsScreen } from './screens/TargetsScreen.js';
import type { Feedback } from './hooks/useFeedback.js';
import type { AppServices } from './services.js';
import { Wizard } from './wizard/Wizard.js';

export interface AppProps {
  services: AppServices;
  /** How often the open source's targets are read again. */
  refreshMs?: number;
  /** How often their metrics, and the sources' lag, are read again (CloudWatch has one point a minute). */
  metricsRefreshMs?: number;
  /** How often the log pane reads the function's log again. */
  logRefreshMs?: number;
  /** False under NO_COLOR. */
  colors?: boolean;
  /** What stops with the app (in --local, the function's code here), run while it says `stopping…`. */
  onQuit?: () => Promise<void>;
}

/** The header's line and the status line. */
const CHROME_LINES = 2;

/** The screen's name, at the status line's right end. */
const NAMES: Record<Route['screen'], string> = {
  sources: 'sources',
  targets: 'targets',
  detail: 'target',
  log: 'log',
  wizard: 'wizard',
  deployment: 'deploy',
  help: 'keys',
};

/** What the status line says when nothing has happened: the keys that work there. */
const HINTS: Record<Route['screen'], string> = {
  sources: '? for keys · q to quit',
  targets: '? for keys · q to quit',
  detail: 'l for its log · Esc back · q to quit',
  log: '↑ ↓ scroll · Esc back · q to quit',
  wizard: 'Esc goes back a step · Ctrl-C to quit',
  deployment: 'Ctrl-C to quit',
  help: 'Esc or ? to close · q to quit',
};

/**
 * The app: the header, the screen on top of the router's stack, the status line. The state lives in
 * hooks (the sources, the open source's targets and their activity, the question, the status);
 * each screen owns its keys, active while no question is asked. q, Ctrl-C and ? are the app's.
 */
export function App({ services, refreshMs = DEFAULT_REFRESH_SECONDS * 1_000, metricsRefreshMs = 60_000, logRefreshMs = 5_000, colors = true, onQuit }: AppProps) {
  const { exit } = useApp();
  const size = useWindowSize();
  const feedback = useFeedback();
  const { question, ask } = useQuestion(() => feedback.say('nothing changed'));
  const router = useRouter(feedback.clear);
  const { route } = router;
  const sources = useSources(services, feedback, ask, { refreshMs: metricsRefreshMs, paused: route.screen !== 'sources' });
  const source = router.sourceArn ? sources.find(router.sourceArn) : undefined;
  const onTargets = route.screen === 'targets';
  const targets = useTargets(services, feedback, ask, router.sourceArn ? { arn: router.sourceArn, name: source?.name ?? router.sourceArn } : undefined, { refreshMs, paused: !onTargets });
  const activity = useActivity(services, feedback, router.sourceArn, targets.ids, { refreshMs: metricsRefreshMs, paused: !onTargets });
  const view = useTargetsView(targets, activity.series);
  const [stopping, setStopping] = useState(false);

  const quit = useCallback(() => {
    if (stopping) return;
    setStopping(true);
    // a failure to stop is reported by whoever passed onQuit (it awaits the same stop); the app quits all the same
    void Promise.resolve(onQuit?.())
      .catch(() => undefined)
      .then(() => exit());
  }, [stopping, onQuit, exit]);

  // text is typed in the wizard and in the lists' filters; a deploy or destroy keeps q until it has run
  const typing = route.screen === 'wizard' || route.screen === 'deployment' || (route.screen === 'sources' && sources.filter.typing) || (onTargets && view.filter.typing);
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return quit();
      if (question || sources.hooking || (typing && !feedback.noCredentials)) return;
      const onHelp = route.screen === 'help';
      if (input === 'q') quit();
      else if (input === '?' && !feedback.noCredentials && !onHelp) router.open({ screen: 'help' });
      else if ((input === '?' || key.escape) && onHelp) router.back();
    },
    { isActive: !stopping },
  );

  const listening = !question && !sources.hooking && !stopping;
  const width = size.columns;
  const height = Math.max(1, size.rows - CHROME_LINES);
  const busy = (route.screen === 'sources' && (sources.list.loading || feedback.working) && sources.list.value !== undefined) ||
    (onTargets && (targets.loading || feedback.working) && targets.value !== undefined);

  /** What every screen is given: whether its keys are listened to, and its room. */
  const frame = { isActive: listening, width, height, colors };
  /** Back to the sources from deploy or from a source's targets: the function, the hooks or the targets may have changed. */
  const backToSources = () => {
    router.back();
    void sources.reload();
  };

  const screen = () => {
    if (feedback.noCredentials) return <NoCredentialsScreen />;
    switch (route.screen) {
      case 'help':
        return <HelpScreen />;
      case 'deployment':
        return (
          <DeploymentFlow
            services={services}
            action={route.action}
            feedback={feedback}
            onClose={backToSources}
            onQuit={quit}
            {...frame}
          />
        );
      case 'wizard':
        return (
          <Wizard
            services={services}
            sourceArn={route.sourceArn}
            sourceName={source?.name ?? route.sourceArn}
            existingIds={targets.ids}
            editing={route.editing}
            attempt={feedback.attempt}
            onSaved={(target) => {
              router.back();
              void targets.changed(`${target.id} ${route.editing ? 'changed' : 'registered'}`, `${target.type} → ${target.destination}`);
              void targets.reloadSelecting(target.id);
            }}
            onClose={() => router.back()}
            isActive={listening}
            height={height}
          />
        );
      case 'detail':
        return (
          <DetailRoute
            services={services}
            feedback={feedback}
            sourceArn={route.sourceArn}
            id={route.id}
            sourceName={source?.name ?? route.sourceArn}
            refreshMs={refreshMs}
            onLog={() => router.open({ screen: 'log', sourceArn: route.sourceArn, id: route.id, onlyTarget: true })}
            onBack={() => router.back()}
            {...frame}
          />
        );
      case 'log':
        return (
          <LogRoute
            key={`${route.id ?? ''}-${String(route.onlyTarget)}`}
            services={services}
            feedback={feedback}
            sourceArn={route.sourceArn}
            id={route.id}
            onlyTarget={route.onlyTarget}
            refreshMs={logRefreshMs}
            onBack={() => router.back()}
            {...frame}
          />
        );
      case 'targets':
        return (
          <TargetsScreen
            sourceArn={route.sourceArn}
            source={source}
            sources={sources}
            targets={targets}
            view={view}
            onOpen={(stored) => router.open({ screen: 'detail', sourceArn: route.sourceArn, id: String(stored.row.id) })}
            onLog={(stored) => router.open({ screen: 'log', sourceArn: route.sourceArn, id: stored ? String(stored.row.id) : undefined, onlyTarget: false })}
            activity={activity.series}
            onNew={() => router.open({ screen: 'wizard', sourceArn: route.sourceArn })}
            onEdit={(stored) => {
              // a row the runtime refuses cannot be edited field by field
              if (stored.target) router.open({ screen: 'wizard', sourceArn: route.sourceArn, editing: stored.target });
              else feedback.say(`${String(stored.row.id)} is invalid (${stored.problems.join('; ')}): fix it with fanout-console update, or unregister it`, 'error');
            }}
            onReload={() => {
              feedback.clear();
              void targets.reload().then((read) => read && activity.reload());
            }}
            onBack={backToSources}
            {...frame}
          />
        );
      case 'sources':
        return (
          <SourcesScreen
            sources={sources}
            onOpen={(opened) => router.open({ screen: 'targets', sourceArn: opened.arn })}
            onReload={() => {
              feedback.clear();
              void sources.reload();
            }}
            onDeploy={() =>
              ask(`Deploy ${services.deployment.functionName} (create or update its role, tables, store, function and policy)?`, () =>
                router.open({ screen: 'deployment', action: 'deploy' }),
              )
            }
            onDestroy={() => router.open({ screen: 'deployment', action: 'destroy' })}
            {...frame}
          />
        );
    }
  };

  const header = sources.header.value;
  return (
    <Box flexDirection="column" width={width} height={size.rows}>
      <Header
        account={header?.account}
        region={header?.region}
        endpoint={header?.endpoint}
        functionName={services.deployment.functionName}
        functionState={header?.functionState}
        tableName={services.deployment.tableName}
      />
      <Box flexDirection="column" flexGrow={1} height={height} overflow="hidden">
        {screen()}
      </Box>
      {sources.hooking && !stopping ? (
        <StartQuestion key={sources.hooking.source.arn} hooking={sources.hooking} onAnswer={sources.hookAt} isActive />
      ) : (
        <StatusLine question={question?.text} status={feedback.status} busy={busy} stopping={stopping} hint={feedback.noCredentials ? 'q to quit' : HINTS[route.screen]} screen={NAMES[route.screen]} />
      )}
    </Box>
  );
}

type RouteProps = { services: AppServices; feedback: Feedback; sourceArn: string; refreshMs: number; onBack: () => void; isActive: boolean; width: number; height: number; colors: boolean };

/** The detail view, with the target it reads while it is open. */
function DetailRoute({ services, feedback, sourceArn, id, refreshMs, ...screen }: RouteProps & { id: string; sourceName: string; onLog: () => void }) {
  const detail = useTargetDetail(services, feedback, sourceArn, id, refreshMs);
  return <TargetDetailScreen id={id} detail={detail} {...screen} />;
}

/** The log pane, with the log it reads while it is open. */
function LogRoute({ services, feedback, sourceArn, id, onlyTarget, refreshMs, ...screen }: RouteProps & { id: string | undefined; onlyTarget: boolean }) {
  const log = useFunctionLog(services, feedback, id === undefined ? undefined : { id, sourceArn }, { onlyTarget, refreshMs });
  return <LogScreen targetId={id} log={log} {...screen} />;
}
