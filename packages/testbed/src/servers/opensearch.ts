import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LOOPBACK, answersOk, freePort } from '../net.js';
import { MissingServerError, findExecutable, startServer, unprivilegedUser } from '../process.js';
import type { StartContext, StartedServer } from './types.js';

const { config } = createRequire(import.meta.url)('../../package.json') as { config: { opensearchVersion: string } };
export const OPENSEARCH_VERSION = config.opensearchVersion;

/** Enough for the tests' small indices; leaves the rest of a 2-core, 24 GiB machine to the others. */
const HEAP = '512m';

/** jvm.options lines that write GC logs and heap dumps into the working directory. */
const UNWANTED_JVM_OPTION = /gc\.log|Xloggc|GCLog|PrintGC|PrintTenuring|HeapDump|ErrorFile|-Xm[sx]/;

export interface OpenSearchEndpoints {
  /** The node's HTTP endpoint, e.g. `http://127.0.0.1:9200`. */
  endpoint: string;
}

export function openSearchHome(cacheDir: string): string {
  return process.env.FANOUT_OPENSEARCH_HOME ?? join(cacheDir, 'opensearch', `opensearch-${OPENSEARCH_VERSION}`);
}

function javaHome(): string {
  const fromEnv = process.env.OPENSEARCH_JAVA_HOME ?? process.env.JAVA_HOME;
  if (fromEnv && existsSync(join(fromEnv, 'bin', 'java'))) return fromEnv;
  const java = findExecutable('java');
  if (!java) {
    throw new MissingServerError(
      'java not found: OpenSearch needs Java 17 or later; install it with `sudo apt-get install openjdk-17-jre-headless` or set JAVA_HOME',
    );
  }
  return dirname(dirname(realpathSync(java)));
}

export async function startOpenSearch(ctx: StartContext): Promise<StartedServer<OpenSearchEndpoints>> {
  let home = openSearchHome(ctx.cacheDir);
  if (!existsSync(join(home, 'bin', 'opensearch'))) {
    throw new MissingServerError(
      `OpenSearch ${OPENSEARCH_VERSION} not found at ${home}: run scripts/setup (it fetches the integ-test zip from Maven Central with mvn)`,
    );
  }
  const java = javaHome();
  const dir = join(ctx.runDir, 'opensearch');
  const configDir = join(dir, 'config');
  mkdirSync(dir);
  cpSync(join(home, 'config'), configDir, { recursive: true });
  const jvmOptions = join(configDir, 'jvm.options');
  writeFileSync(
    jvmOptions,
    readFileSync(jvmOptions, 'utf8')
      .split('\n')
      .filter((line) => !UNWANTED_JVM_OPTION.test(line))
      .join('\n'),
  );

  // OpenSearch refuses to run as root: run it as an unprivileged user, from a copy it can read.
  const user = unprivilegedUser();
  if (user) {
    const copy = join(dir, 'home');
    execFileSync('cp', ['-a', home, copy]);
    home = copy;
    execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
  }

  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const endpoint = `http://${LOOPBACK}:${httpPort}`;
  const server = await startServer({
    name: 'opensearch',
    command: join(home, 'bin', 'opensearch'),
    args: [
      ['network.host', LOOPBACK],
      ['http.port', httpPort],
      ['transport.port', transportPort],
      ['discovery.type', 'single-node'],
      ['cluster.name', 'fanout-testbed'],
      ['path.data', join(dir, 'data')],
      ['path.logs', join(dir, 'logs')],
      // the tests must not fail because the disk of the machine is fuller than OpenSearch likes
      ['cluster.routing.allocation.disk.threshold_enabled', 'false'],
    ].flatMap(([key, value]) => ['-E', `${key}=${value}`]),
    env: {
      ...process.env,
      OPENSEARCH_JAVA_HOME: java,
      OPENSEARCH_PATH_CONF: configDir,
      OPENSEARCH_JAVA_OPTS: `-Xms${HEAP} -Xmx${HEAP}`,
    },
    cwd: dir,
    user,
    logFile: join(ctx.runDir, 'opensearch.log'),
    isReady: () => answersOk(`${endpoint}/_cluster/health?wait_for_status=yellow&timeout=1s`),
    readyTimeoutMs: 120_000,
  });
  return { endpoints: { endpoint }, pid: server.pid, stop: server.stop };
}
