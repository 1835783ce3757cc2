import type { Command } from './Command';
import { benchCommand } from './commands/benchCommand';
import { configCommand } from './commands/configCommand';
import { demoCommand } from './commands/demoCommand';
import { runCommand } from './commands/runCommand';
import { sidecarCommand } from './commands/sidecarCommand';
import { validateCommand } from './commands/validateCommand';

/** Every `slipstream` command, in the order `slipstream --help` lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  benchCommand,
  validateCommand,
  runCommand,
  sidecarCommand,
  configCommand,
];
