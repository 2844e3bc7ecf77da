/**
 * Lambda's Node.js runtimes the function is deployed on, newest LTS first: the first is deploy's
 * default. nodejs22.x is scheduled for deprecation in 2027; nodejs20.x takes no new functions.
 */
export const LAMBDA_NODE_RUNTIMES = ['nodejs24.x', 'nodejs22.x'] as const;
export type LambdaNodeRuntime = (typeof LAMBDA_NODE_RUNTIMES)[number];
export const DEFAULT_LAMBDA_NODE_RUNTIME: LambdaNodeRuntime = LAMBDA_NODE_RUNTIMES[0];

/** The bundle's language level: the oldest runtime deploy accepts, so that it runs on each of them. */
export const BUNDLE_TARGET = 'node22';
