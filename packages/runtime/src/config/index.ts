export { targetRowSchema, validateTargetRow, sourceKind } from './schema.js';
export type { TargetConfig, TargetRowInput, RowValidation, SourceKind } from './schema.js';
export { TARGET_TYPE_NAMES, COLLAPSE_MODES } from '../targets/types.js';
export type { TargetTypeName, CollapseMode } from '../targets/types.js';
