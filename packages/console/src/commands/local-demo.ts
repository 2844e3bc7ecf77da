import { localLogWriter } from '../app/function-log.js';
import { DEMO, prepareDemo, startDemoOrders } from '../app/local-demo.js';
import { ensureMoto, DEFAULT_LOCAL_ENDPOINT } from '../aws/moto.js';
import { deploymentOf } from '../aws/names.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { checkpointsFileFor, localLogFileFor, localStatusFileFor } from '../state-files.js';

/** The region and account moto gives when nothing says otherwise. */
const LOCAL_REGION = 'us-east-1';
/** Any keys do for moto; these say where they come from. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'fanout-local', secretAccessKey: 'fanout-local' };

/** Whether the user named credentials, as the AWS CLI takes them: a profile, or keys for this shell. */
export function credentialsNamed(profile: string | undefined): boolean {
  return Boolean(profile || process.env.AWS_PROFILE || process.env.AWS_ACCESS_KEY_ID);
}

/**
 * The global options under --local: every request to the local endpoint (--endpoint-url, else
 * AWS_ENDPOINT_URL, else moto's default), in the region of --region, else AWS_REGION, else
 * us-east-1.
 *
 * Credentials are the user's when they named some, as the AWS CLI takes them: --profile,
 * AWS_PROFILE, or AWS_ACCESS_KEY_ID (a local AWS may tell accounts apart by the key, and one
 * named for this shell is meant to be used). Otherwise made-up keys, given to the session (and to
 * the runtime's clients through it) rather than put in process.env: moto takes any, nobody needs
 * an AWS account for the demo, and the SDK's default chain is not searched (a default profile in
 * ~/.aws is your real AWS: its SSO login or role would be needless here).
 */
export function localGlobals(globals: GlobalOptions & { local?: boolean }): GlobalOptions {
  if (!globals.local) return globals;
  const namedCredentials = credentialsNamed(globals.profile);
  const environmentEndpoint = globals.endpointUrl ? undefined : process.env.AWS_ENDPOINT_URL;
  return {
    ...globals,
    endpointUrl: globals.endpointUrl ?? environmentEndpoint ?? DEFAULT_LOCAL_ENDPOINT,
    ...(environmentEndpoint ? { endpointFrom: 'AWS_ENDPOINT_URL' as const } : {}),
    region: globals.region ?? process.env.AWS_REGION ?? LOCAL_REGION,
    ...(namedCredentials ? {} : { credentials: () => Promise.resolve(LOCAL_CREDENTIALS) }),
  };
}

/**
 * `fanout-console --local`: a moto (started when none answers), the demo in it, the function's code
 * polling the demo stream here, orders put into it every second, and the app on top; everything
 * started is stopped when the app quits.
 */
export async function runLocalDemo(context: CommandContext): Promise<void> {
  if (!context.canDraw) throw new UsageError('--local: the demo opens the interactive app, which needs a terminal (stdin and stdout); in scripts use --local with a command');
  const endpoint = new URL(context.aws.options.endpointUrl ?? DEFAULT_LOCAL_ENDPOINT);
  const { endpointFrom, verifySsl } = context.aws.options;
  const moto = await ensureMoto(endpoint, { session: context.aws, from: endpointFrom, verifySsl });
  if (moto) context.io.err(`started moto at ${endpoint.origin}; it stops when you quit`);
  try {
    const deployment = deploymentOf({});
    const demo = await prepareDemo(context, deployment, (step) => {
      if (step.state !== 'running') context.io.err(`${step.state === 'done' ? '✓' : '✗'} ${step.name}  ${step.detail ?? ''}`);
    });
    const region = await context.aws.region();
    const logFile = localLogFileFor(region, deployment.functionName);
    const { startLocalMode } = await import('@fanout/runtime/local');
    const local = await startLocalMode({
      functionName: deployment.functionName,
      region,
      checkpointsFile: checkpointsFileFor(region, deployment.functionName),
      statusFile: localStatusFileFor(region, deployment.functionName),
      refreshMs: 2_000,
      aws: context.aws.clientDefaults(),
      // the app owns the terminal: the function's log lines go to a file (there from the start), which its log pane reads
      writeLog: localLogWriter(logFile),
    });
    const orders = startDemoOrders(context, demo.streamName);
    context.io.err(`${DEMO.stream} gets an order a second, copied to ${DEMO.queue}; the function's log is in ${logFile}`);
    let stopped: Promise<void> | undefined;
    const stop = () => (stopped ??= orders.stop().then(() => local.stop()));
    try {
      const { runApp } = await import('../ui/run.js');
      // the app says `stopping…` while the orders and the function's code here stop
      await runApp(context, deployment, { metricsRefreshMs: 10_000, onQuit: stop });
    } finally {
      await stop();
    }
  } finally {
    await moto?.stop();
  }
}
