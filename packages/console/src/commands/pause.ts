import { hookSwitchCommand } from './hook-switch.js';

export const pauseCommand = hookSwitchCommand({
  name: 'pause',
  description: 'stop reading a source for now (disable the event source mapping; records wait in the stream)',
  enabled: false,
});
