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
