import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { IOT_MAX_PAYLOAD_BYTES } from '../../src/targets/iot/index.js';
import { awsConfig, bodies, inFlight, itemsOf, type Baseline } from './shared.js';

export const baseline: Baseline = (collapse, to) => {
  const iot = new IoTDataPlaneClient(awsConfig(to.aws));
  return async (event) => {
    await inFlight(bodies(itemsOf(event).map((item) => item.data), collapse, IOT_MAX_PAYLOAD_BYTES), (payload) =>
      iot.send(new PublishCommand({ topic: to.iotTopic, qos: 1, payload })),
    );
  };
};
