export type { Command, CommandArgs, CommandContext, CommandIo } from './Command';
export { COMMANDS } from './COMMANDS';
export { EXIT } from './EXIT';
export { runMain, mainHelp, STOP_GRACE_MS, type MainProcess } from './runMain';
