import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { delivered, type CreateSender } from '../types.js';
import type { IotDestination } from './index.js';

/** IoT Data Plane's name in the SDK's endpoint variables (AWS_ENDPOINT_URL_IOT_DATA_PLANE). */
const IOT_DATA_ENDPOINT_SERVICE = 'IOT_DATA_PLANE';

/** Publish, at QoS 1, to the account's data endpoint named by the destination. */
export const createIotSender: CreateSender<IotDestination> = ({ destination, awsClient }) => {
  const iot = awsClient(IoTDataPlaneClient, destination.region, { url: destination.endpoint, service: IOT_DATA_ENDPOINT_SERVICE });
  return {
    async send(batch, signal) {
      for (const entry of batch) {
        await iot.send(new PublishCommand({ topic: destination.topic, qos: 1, payload: entry.body }), { abortSignal: signal });
      }
      return batch.map(() => delivered());
    },
  };
};
