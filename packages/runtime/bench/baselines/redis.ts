import { Redis } from 'ioredis';
import { REDIS_MAX_PIPELINE_BYTES, REDIS_MAX_PIPELINE_COMMANDS } from '../../src/targets/redis/index.js';
import { groups, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const redis = new Redis(to.redisUrl);
  return async (event) => {
    const items = itemsOf(event);
    await inFlight(groups(items, (item) => item.data.length + item.record.kinesis.partitionKey.length, REDIS_MAX_PIPELINE_COMMANDS, REDIS_MAX_PIPELINE_BYTES), (batch) => {
      const pipeline = redis.pipeline();
      for (const item of batch) pipeline.set(item.record.kinesis.partitionKey, item.data);
      return pipeline.exec();
    });
  };
};
