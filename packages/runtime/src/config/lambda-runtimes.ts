/**
 * Lambda's Node.js runtimes the function is deployed on, newest LTS first: the first is deploy's
 * default. nodejs22.x is scheduled for deprecation in 2027; nodejs20.x takes no new functions.
 */
export const LAMBDA_NODE_RUNTIMES = ['nodejs24.x', 'nodejs22.x'] as const;
export type LambdaNodeRuntime = (typeof LAMBDA_NODE_RUNTIMES)[number];
export const DEFAULT_LAMBDA_NODE_RUNTIME: LambdaNodeRuntime = LAMBDA_NODE_RUNTIMES[0];

/** The bundle's language level: the oldest runtime deploy accepts, so that it runs on each of them. */
export const BUNDLE_TARGET = 'node22';

/**
 * What a function of `memoryMb` leaves to Node.js itself, outside V8's heap: the process, its code
 * and its buffers (an empty Node.js process is 40–45 MB resident).
 */
export const NODE_OUTSIDE_HEAP_MB = 64;

/**
 * glibc's allocator, set in the function's environment (glibc reads it as the process starts). Its
 * defaults keep what was freed: an arena per thread, and a threshold for returning large blocks
 * that rises with each one freed. With two arenas, and blocks of 128 KiB or more mapped and
 * unmapped on their own, the 10-target bench case peaks 28 MiB lower (166 → 137 MiB RSS).
 */
export const MALLOC_ENVIRONMENT = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/**
 * V8's heap limits for a function of `memoryMb`, as NODE_OPTIONS flags. Lambda's own (5 % young
 * generation, the rest old) give V8 the whole memory, as if Node.js needed none: a 128 MB function
 * then grows past 128 MB of resident memory, and is stopped, before V8 even collects. These leave
 * Node.js its share, so that the heap is collected before the function runs out of memory. Lambda
 * keeps both flags when NODE_OPTIONS sets them.
 *
 * A semi-space is a 40th of the heap's share (1 MiB at 128 MB): an invocation's garbage (request
 * bodies and the SDK's copies of them, outside the heap) goes with the next scavenge, which a small
 * young generation brings sooner. With 3 MiB the bench's 10-target case peaked at 132–135 MiB RSS.
 */
export function heapFlagsFor(memoryMb: number): string[] {
  const semiSpaceMb = Math.max(1, Math.floor((memoryMb - NODE_OUTSIDE_HEAP_MB) / 40));
  const oldSpaceMb = Math.max(memoryMb - NODE_OUTSIDE_HEAP_MB - 2 * semiSpaceMb, 32);
  return [`--max-semi-space-size=${semiSpaceMb}`, `--max-old-space-size=${oldSpaceMb}`];
}
