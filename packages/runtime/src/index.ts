export { handler } from './handler.js';
export { Fanout } from './fanout.js';
export type { FanoutSettings, StreamEvent, BatchResponse } from './fanout.js';
export { settingsFromEnvironment } from './settings.js';
export { createLogger } from './log/logger.js';
export type { Logger, LogLevel } from './log/logger.js';
export { DEFAULT_RETRY_POLICY } from './delivery/retry.js';
export type { RetryPolicy } from './delivery/retry.js';
export * from './config/index.js';
