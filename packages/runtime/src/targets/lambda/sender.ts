import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { recordsPayload } from '../../delivery/encode.js';
import { delivered, type CreateSender } from '../types.js';
import type { LambdaDestination } from './index.js';

/** Asynchronous Invoke with the batch's event records as one `{"Records":[...]}` event. */
export const createLambdaSender: CreateSender<LambdaDestination> = ({ destination, awsClient }) => {
  const lambda = awsClient(LambdaClient, destination.region);
  return {
    async send(batch, signal) {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: destination.functionName,
          InvocationType: 'Event',
          Payload: recordsPayload(batch.map((entry) => entry.body)),
        }),
        { abortSignal: signal },
      );
      if (response.StatusCode !== 202) throw new Error(`Invoke answered ${response.StatusCode}, not 202 (queued)`);
      return batch.map(() => delivered());
    },
  };
};
