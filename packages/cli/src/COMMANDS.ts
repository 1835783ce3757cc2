import type { Command } from './Command';
import { configCommand } from './commands/configCommand';
import { runCommand } from './commands/runCommand';
import { sidecarCommand } from './commands/sidecarCommand';
import { validateCommand } from './commands/validateCommand';

/**
 * The commands of the published `slipstream`, in the order `slipstream --help` lists them. Inside
 * the repository the demo and bench commands come first (`repoCommands`).
 */
export const COMMANDS: readonly Command[] = [validateCommand, runCommand, sidecarCommand, configCommand];
