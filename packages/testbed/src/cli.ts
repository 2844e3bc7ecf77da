import { parseArgs } from 'node:util';
import { SERVER_NAMES, startTestbed, type ServerName } from './testbed.js';

const USAGE = `Usage: pnpm testbed [--only NAME[,NAME...]]

Starts the test bed's servers on free loopback ports, prints one JSON line
{"pid", "endpoints", "pids"} and keeps them running until Ctrl-C (or SIGTERM).

Options:
  --only NAMES   start only these servers (${SERVER_NAMES.join(', ')})
  -h, --help     show this help`;

function parseServerNames(value: string | undefined): ServerName[] {
  if (value === undefined) return SERVER_NAMES;
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !SERVER_NAMES.includes(name as ServerName));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown server ${unknown.join(', ')}; expected any of ${SERVER_NAMES.join(', ')}`);
  }
  return names as ServerName[];
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const testbed = await startTestbed(parseServerNames(values.only));
  console.log(JSON.stringify({ pid: process.pid, endpoints: testbed.endpoints, pids: testbed.pids }));
  // the servers are detached from this process's event loop: hold it open until told to stop
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await testbed.stop();
}

main().catch((error: unknown) => {
  console.error(`testbed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
});
