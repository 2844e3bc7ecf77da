import { CONTROL_ROUTES } from './routes.js';
import type { FakeAwsCounters, KeptEntry } from './types.js';

/** What a test or a bench reads and zeroes of a running fake AWS endpoint, over its control routes. */
export interface FakeAwsControl {
  counters(): Promise<FakeAwsCounters>;
  /** Zeroes the counters and drops the kept entries. */
  reset(): Promise<void>;
  /** The kept entries (of one destination, when named), in the order they came. */
  kept(destination?: string): Promise<KeptEntry[]>;
}

/** The control routes of the fake at `endpoint` (`http://127.0.0.1:PORT`), from any process. */
export function fakeAwsControl(endpoint: string): FakeAwsControl {
  const control = async (method: string, route: string): Promise<unknown> => {
    const response = await fetch(`${endpoint}${route}`, { method });
    if (!response.ok) throw new Error(`fake AWS endpoint: ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    counters: async () => (await control('GET', CONTROL_ROUTES.counters)) as FakeAwsCounters,
    reset: async () => {
      await control('POST', CONTROL_ROUTES.reset);
    },
    kept: async (destination) => {
      const query = destination === undefined ? '' : `?destination=${encodeURIComponent(destination)}`;
      return (await control('GET', `${CONTROL_ROUTES.kept}${query}`)) as KeptEntry[];
    },
  };
}
