import { pathToFileURL } from 'node:url';
import { tellBench } from './channel.js';

/** What a cold start measured: the process's CPU time until the end of its first invocation, and its resident set once loaded. */
export interface ColdStart {
  cpuMs: number;
  rssAfterLoad: number;
}

/**
 * A process's start, measured from inside: with a bundle, its load and a first empty invocation;
 * without one, an empty Node process's own (what the first is compared with).
 */
const [bundle] = process.argv.slice(2);
let rssAfterLoad = process.memoryUsage().rss;
if (bundle) {
  const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  rssAfterLoad = process.memoryUsage().rss;
  await handler({ Records: [] }, { getRemainingTimeInMillis: () => 900_000 });
}
const usage = process.cpuUsage();
await tellBench({ cpuMs: (usage.user + usage.system) / 1_000, rssAfterLoad } satisfies ColdStart);
process.exit(0);
