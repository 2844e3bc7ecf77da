import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { delivered, type CreateSender } from '../types.js';
import type { IotDestination } from './index.js';

/** Publish, at QoS 1, to the account's data endpoint named by the destination. */
export const createIotSender: CreateSender<IotDestination> = ({ destination, awsScope }) => {
  const { region, credentials } = awsScope(destination.region);
  const iot = new IoTDataPlaneClient({ endpoint: destination.endpoint, region, credentials });
  return {
    async send(batch, signal) {
      for (const entry of batch) {
        await iot.send(new PublishCommand({ topic: destination.topic, qos: 1, payload: entry.body }), { abortSignal: signal });
      }
      return batch.map(() => delivered());
    },
    close: async () => iot.destroy(),
  };
};
