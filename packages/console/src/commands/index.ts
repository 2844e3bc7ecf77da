import { activateCommand, deactivateCommand } from './activation.js';
import type { CommandDefinition } from './command.js';
import { deployCommand } from './deploy.js';
import { destroyCommand } from './destroy.js';
import { hookCommand } from './hook.js';
import { listCommand } from './list.js';
import { localCommand } from './local.js';
import { pauseCommand } from './pause.js';
import { redriveCommand } from './redrive.js';
import { registerCommand } from './register.js';
import { resumeCommand } from './resume.js';
import { uiCommand } from './ui.js';
import { unhookCommand } from './unhook.js';
import { unregisterCommand } from './unregister.js';
import { updateCommand } from './update.js';

/** Every command of the console, in the order --help lists them. */
export const COMMANDS: readonly CommandDefinition[] = [
  uiCommand,
  deployCommand,
  destroyCommand,
  registerCommand,
  listCommand,
  updateCommand,
  activateCommand,
  deactivateCommand,
  unregisterCommand,
  redriveCommand,
  hookCommand,
  unhookCommand,
  pauseCommand,
  resumeCommand,
  localCommand,
];
