import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repositoryRoot } from '../../src/index.js';
import type * as CloudWatchSdk from '@aws-sdk/client-cloudwatch';
import type * as DynamoDbSdk from '@aws-sdk/client-dynamodb';
import type * as FirehoseSdk from '@aws-sdk/client-firehose';
import type * as IotDataSdk from '@aws-sdk/client-iot-data-plane';
import type * as KinesisSdk from '@aws-sdk/client-kinesis';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as SnsSdk from '@aws-sdk/client-sns';
import type * as HttpHandler from '@smithy/node-http-handler';

/**
 * SDK clients the test bed's package does not depend on, taken from the runtime's (which has them
 * all), so that the fault proxy's tests speak to every target API with the real SDK: the code is
 * required from packages/runtime, the types come through packages/testbed/tsconfig.json's `paths`.
 * Once packages/testbed lists these as devDependencies, this file becomes plain imports.
 */
const requireFromRuntime = createRequire(join(repositoryRoot(), 'packages', 'runtime', 'package.json'));

export const cloudwatch = requireFromRuntime('@aws-sdk/client-cloudwatch') as typeof CloudWatchSdk;
export const dynamodb = requireFromRuntime('@aws-sdk/client-dynamodb') as typeof DynamoDbSdk;
export const firehose = requireFromRuntime('@aws-sdk/client-firehose') as typeof FirehoseSdk;
export const iotData = requireFromRuntime('@aws-sdk/client-iot-data-plane') as typeof IotDataSdk;
export const kinesis = requireFromRuntime('@aws-sdk/client-kinesis') as typeof KinesisSdk;
export const s3 = requireFromRuntime('@aws-sdk/client-s3') as typeof S3Sdk;
export const sns = requireFromRuntime('@aws-sdk/client-sns') as typeof SnsSdk;
/** The SDK's Kinesis client speaks HTTP/2 unless given this HTTP/1.1 handler (moto, and the proxy, speak HTTP/1.1). */
export const { NodeHttpHandler } = requireFromRuntime('@smithy/node-http-handler') as typeof HttpHandler;
