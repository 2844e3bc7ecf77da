import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import type { CommandResult } from '../output.js';

/** One command of the console: its flags, and what it does with them once they are parsed. */
export interface CommandDefinition {
  name: string;
  description: string;
  configure(command: Command): void;
  /**
   * Validates the options (throwing UsageError), acts, and says what it did; undefined when it has
   * nothing to print (the interactive app drew on the terminal instead).
   */
  run(context: CommandContext, options: Record<string, unknown>, args: readonly string[]): Promise<CommandResult | undefined>;
}
