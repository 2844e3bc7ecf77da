import { readFile } from 'node:fs/promises';
import { LOCAL_STATUS_VERSION, type LocalStatus } from '@fanout/runtime/config';
import type { Deployment } from '../aws/names.js';
import type { AwsContext } from '../context.js';
import { localLogFileFor, localStatusFileFor } from '../state-files.js';

/** A status file not written for this long belongs to a poller that has stopped (it writes every 2 s). */
const STALE_AFTER_MS = 30_000;

/** The function's code running here, in a local poller (`fanout-console local`, or the demo): its status, and where its log goes. */
export interface LocalRun {
  status: LocalStatus;
  statusFile: string;
  logFile: string;
}

/**
 * The local poller running the deployment's function in the session's region on this machine, as
 * its status file says; undefined when none runs (no status file, or one not written for 30 s: a
 * poller that was killed). Where one runs, the function's lag and log are its, not Lambda's.
 */
export async function localRunOf(context: AwsContext, deployment: Deployment, now: number = Date.now()): Promise<LocalRun | undefined> {
  const region = await context.aws.region();
  const statusFile = localStatusFileFor(region, deployment.functionName);
  let status: LocalStatus;
  try {
    status = JSON.parse(await readFile(statusFile, 'utf8')) as LocalStatus;
  } catch {
    // none, or caught between two writes of another version: as if none ran
    return undefined;
  }
  if (status.fanoutLocalStatus !== LOCAL_STATUS_VERSION || !(now - Date.parse(status.updatedAt) <= STALE_AFTER_MS)) return undefined;
  return { status, statusFile, logFile: localLogFileFor(region, deployment.functionName) };
}
