import { createInterface } from 'node:readline/promises';
import { AwsSession, type AwsOptions } from './aws/session.js';
import { UsageError } from './errors.js';
import type { Io, OutputFormat } from './output.js';

/** What acting on AWS needs: the commands and the interactive app alike. */
export interface AwsContext {
  aws: AwsSession;
}

/** What every command gets: AWS, how to print, and how to ask. */
export interface CommandContext extends AwsContext {
  format: OutputFormat;
  io: Io;
  /** Asks a yes/no question in a terminal; without one, refuses unless --yes was given. */
  confirm(question: string): Promise<boolean>;
  /** Whether the interactive app can open: it reads keys from stdin and draws on stdout. */
  canDraw: boolean;
  /** Resolves when the user asks a long-running command to stop: Ctrl-C (SIGINT) or SIGTERM. */
  interrupted(): Promise<void>;
}

export interface Terminal {
  /** Whether a person can answer questions: stdin and stderr (where questions go) are a terminal. */
  interactive: boolean;
  /** Whether the interactive app can run: stdin and stdout are a terminal. */
  canDraw: boolean;
  ask(question: string): Promise<string>;
  interrupted(): Promise<void>;
}

export const processTerminal: Terminal = {
  interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
  canDraw: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  ask: async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await prompt.question(question);
    } finally {
      prompt.close();
    }
  },
  interrupted: () =>
    new Promise((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }),
};

export interface GlobalOptions extends AwsOptions {
  yes: boolean;
  output: OutputFormat;
}

/** Said once a command, on stderr, whenever TLS certificates go unchecked. */
export const NO_VERIFY_SSL_WARNING =
  'fanout-console: warning: --no-verify-ssl: TLS certificates are not verified; anyone between here and the endpoint can read and change the requests';

export function createContext(options: GlobalOptions, io: Io, terminal: Terminal): CommandContext {
  if (options.verifySsl === false) io.err(NO_VERIFY_SSL_WARNING);
  return {
    aws: new AwsSession(options),
    format: options.output,
    io,
    canDraw: terminal.canDraw,
    interrupted: () => terminal.interrupted(),
    confirm: async (question) => {
      if (options.yes) return true;
      if (!terminal.interactive) throw new UsageError(`--yes: ${question.replace(/\?$/, '')} needs confirmation; pass --yes to confirm without a terminal`);
      return /^y(es)?$/i.test((await terminal.ask(`${question} [y/N] `)).trim());
    },
  };
}
