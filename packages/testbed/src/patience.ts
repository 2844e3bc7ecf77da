/**
 * How long the tests wait, at most. Every wait is for a condition (a frame drawn, a message
 * arrived, a server answering), and these are only its ceilings: generous on purpose, so that a
 * busy machine makes a test slower, never red. Only a broken test waits this long.
 */
/** One wait for one condition. */
export const WAIT_CEILING_MS = 120_000;
/** One test, or one before/after hook: several waits, each within WAIT_CEILING_MS. */
export const TEST_CEILING_MS = 600_000;
