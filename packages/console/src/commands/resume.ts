import { hookSwitchCommand } from './hook-switch.js';

export const resumeCommand = hookSwitchCommand({
  name: 'resume',
  description: 'read a paused source again, from where it stopped (enable the event source mapping)',
  enabled: true,
});
