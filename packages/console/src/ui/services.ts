import type { AwsContext } from '../context.js';
import type { Deployment } from '../aws/names.js';
import { loadHeader } from '../app/header.js';
import { setHookEnabled } from '../app/hooks.js';
import { iteratorAgeSeries, targetSparklines } from '../app/metrics.js';
import { discoverSources } from '../app/sources.js';
import { listTargets, setActive } from '../app/targets.js';

/** What the app can ask of AWS: the app layer's functions, bound to one deployment. Components get these, never clients. */
export function appServices(context: AwsContext, deployment: Deployment) {
  const { functionName } = deployment;
  return {
    deployment,
    header: () => loadHeader(context, deployment),
    sources: () => discoverSources(context, deployment),
    iteratorAge: () => iteratorAgeSeries(context, { functionName }),
    targets: (sourceArn: string) => listTargets(context, deployment, sourceArn),
    activity: (sourceArn: string, targetIds: readonly string[]) => targetSparklines(context, { functionName, sourceArn, targetIds }),
    setActive: (sourceArn: string, id: string, active: boolean) => setActive(context, deployment, sourceArn, id, active),
    setHookEnabled: (sourceArn: string, enabled: boolean) => setHookEnabled(context, deployment, sourceArn, enabled),
  };
}

export type AppServices = ReturnType<typeof appServices>;
