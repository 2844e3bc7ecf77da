import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LAMBDA_ASYNC_MAX_PAYLOAD_BYTES } from '../../src/targets/lambda/index.js';
import { awsConfig, bodies, inFlight, type Baseline } from './shared.js';

export const baseline: Baseline = (_collapse, to) => {
  const lambda = new LambdaClient(awsConfig());
  return async (event) => {
    // the function gets Lambda's own event records, as many as one asynchronous payload takes
    const payloads = bodies(event.Records.map((record) => Buffer.from(JSON.stringify(record))), 'JSON', LAMBDA_ASYNC_MAX_PAYLOAD_BYTES);
    await inFlight(payloads, (payload) => lambda.send(new InvokeCommand({ FunctionName: to.functionName, InvocationType: 'Event', Payload: payload })));
  };
};
