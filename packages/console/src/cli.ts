import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const HELP = `fanout-console ${version} — manage a fanout deployment from the terminal

Usage: fanout-console [options]

fanout copies every record of a Kinesis or DynamoDB stream to many targets
(SNS, SQS, OpenSearch, Kinesis, Firehose, IoT, Lambda, Redis, Memcached, HTTP).
The management commands and the interactive app are being built; this
release has the options below only.

Options:
  -h, --help      show this help
  -v, --version   print the version`;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Runs the console with these arguments and returns the process exit code. */
export function run(argv: readonly string[], output: Output): number {
  let values: { help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
    }));
  } catch (error) {
    output.err(`fanout-console: ${(error as Error).message}; see fanout-console --help`);
    return 2;
  }
  output.out(values.version ? version : HELP);
  return 0;
}
