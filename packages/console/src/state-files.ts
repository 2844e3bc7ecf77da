import { homedir } from 'node:os';
import { join } from 'node:path';

/** A file of fanout's own state (checkpoints, the local mode's log): under $XDG_STATE_HOME, else ~/.local/state. */
export function stateFile(...parts: string[]): string {
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'fanout', ...parts);
}

/** Where the local mode keeps a function's checkpoints unless told: per region and function. */
export function checkpointsFileFor(region: string, functionName: string): string {
  return stateFile('checkpoints', region, `${functionName}.json`);
}

/** Where a running local poller of the function writes its status (each shard's lag), for the app to read: per region and function. */
export function localStatusFileFor(region: string, functionName: string): string {
  return stateFile('status', region, `${functionName}.json`);
}

/** Where the local mode (`local`, and the demo) writes the function's log lines, for the app's log pane: per region and function. */
export function localLogFileFor(region: string, functionName: string): string {
  return stateFile('logs', region, `${functionName}.log`);
}
