import type { TargetTypeModules } from '@fanout/runtime/config';
import { esTarget } from './es.js';
import { firehoseTarget } from './firehose.js';
import { httpTarget } from './http.js';
import { iotTarget } from './iot.js';
import { kinesisTarget } from './kinesis.js';
import { lambdaTarget } from './lambda.js';
import { memcachedTarget } from './memcached.js';
import { redisTarget } from './redis.js';
import { snsTarget } from './sns.js';
import { sqsTarget } from './sqs.js';
import type { ConsoleTargetTypes } from './types.js';

/**
 * What the console knows of each kind of target, by the runtime's type names: a type missing here,
 * or an AWS type (its runtime module's `aws: true`) without its grant, does not compile.
 */
export const CONSOLE_TARGET_TYPES: ConsoleTargetTypes<TargetTypeModules> = {
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
