import { esTarget } from './es/index.js';
import { firehoseTarget } from './firehose/index.js';
import { httpTarget } from './http/index.js';
import { iotTarget } from './iot/index.js';
import { kinesisTarget } from './kinesis/index.js';
import { lambdaTarget } from './lambda/index.js';
import { memcachedTarget } from './memcached/index.js';
import { redisTarget } from './redis/index.js';
import { snsTarget } from './sns/index.js';
import { sqsTarget } from './sqs/index.js';
import type { TargetType } from './types.js';

/** Every kind of target. Adding one is adding its module and a line here. */
const REGISTRY = {
  sns: snsTarget,
  sqs: sqsTarget,
  es: esTarget,
  kinesis: kinesisTarget,
  firehose: firehoseTarget,
  iot: iotTarget,
  lambda: lambdaTarget,
  redis: redisTarget,
  memcached: memcachedTarget,
  http: httpTarget,
};

export type TargetTypeName = keyof typeof REGISTRY;

/**
 * Each type's module as declared, its `aws` a literal: the console's registry of what it knows of
 * each type is typed from this, so that an AWS type without an IAM grant there does not compile.
 */
export type TargetTypeModules = typeof REGISTRY;

// each type has a destination type of its own; the pipeline hands a type's parsed destination back to it only
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TARGET_TYPES: { readonly [Name in TargetTypeName]: TargetType<any> } = REGISTRY;

export const TARGET_TYPE_NAMES = Object.keys(REGISTRY) as [TargetTypeName, ...TargetTypeName[]];
