import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * A process's start, measured from inside: with a bundle, its load and a first empty invocation;
 * without one, an empty Node process's own (what the first is compared with).
 */
const [resultFile, bundle] = process.argv.slice(2);
if (!resultFile) throw new Error('usage: cold-start RESULT_FILE [BUNDLE]');
let rssAfterLoad = process.memoryUsage().rss;
if (bundle) {
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  rssAfterLoad = process.memoryUsage().rss;
  await handler({ Records: [] }, { getRemainingTimeInMillis: () => 900_000 });
}
const usage = process.cpuUsage();
writeFileSync(resultFile, JSON.stringify({ cpuMs: (usage.user + usage.system) / 1_000, rssAfterLoad }));
