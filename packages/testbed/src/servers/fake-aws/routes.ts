/**
 * The fake AWS endpoint's own routes, on its port beside the APIs it fakes: what a test reads its
 * counters and kept entries with. They are never counted, and never taken for a target's request.
 */
export const FAKE_CONTROL_PREFIX = '/__fake';

export const CONTROL_ROUTES = {
  counters: `${FAKE_CONTROL_PREFIX}/counters`,
  reset: `${FAKE_CONTROL_PREFIX}/reset`,
  /** `?destination=` keeps to one destination; without it, every entry kept. */
  kept: `${FAKE_CONTROL_PREFIX}/kept`,
} as const;
