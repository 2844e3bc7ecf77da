import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { delivered, type CreateSender } from '../types.js';
import type { LambdaDestination } from './index.js';

const PAYLOAD_OPEN = Buffer.from('{"Records":[');
const PAYLOAD_CLOSE = Buffer.from(']}');
const COMMA = Buffer.from(',');

/** Asynchronous Invoke with the batch's event records as one `{"Records":[...]}` event. */
export const createLambdaSender: CreateSender<LambdaDestination> = ({ destination, awsClient }) => {
  const lambda = awsClient(LambdaClient, destination.region);
  return {
    async send(batch) {
      const records = batch.flatMap((entry, index) => (index === 0 ? [entry.body] : [COMMA, entry.body]));
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: destination.functionName,
          InvocationType: 'Event',
          Payload: Buffer.concat([PAYLOAD_OPEN, ...records, PAYLOAD_CLOSE]),
        }),
      );
      if (response.StatusCode !== 202) throw new Error(`Invoke answered ${response.StatusCode}, not 202 (queued)`);
      return batch.map(() => delivered());
    },
  };
};
