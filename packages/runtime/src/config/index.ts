export { targetRowSchema, validateTargetRow, sourceKind, kinesisConsumerOf, streamArnOf, MAX_ATTEMPTS_LIMIT, MAX_RECORD_AGE_LIMIT_SECONDS } from './schema.js';
export * from './contracts.js';
export type { TargetConfig, TargetRowInput, RowValidation, SourceKind, KinesisConsumer } from './schema.js';
export { COLLAPSE_MODES } from '../targets/options.js';
export { TARGET_TYPE_NAMES, TARGET_TYPES } from '../targets/registry.js';
export type { CollapseMode } from '../targets/options.js';
export type { TargetTypeName, TargetTypeModules } from '../targets/registry.js';
export { LAMBDA_NODE_RUNTIMES, DEFAULT_LAMBDA_NODE_RUNTIME, MALLOC_ENVIRONMENT, heapFlagsFor } from './lambda-runtimes.js';
export type { LambdaNodeRuntime } from './lambda-runtimes.js';
