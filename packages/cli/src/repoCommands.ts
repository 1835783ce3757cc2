import type { Command } from './Command';

/**
 * Where the repository's own commands are (`demo`, `bench`): the demos workspace, which is not
 * published. A variable, so that the published build neither compiles nor bundles it.
 */
const REPO_COMMANDS_MODULE: string = '@slipstream/demos/src/cli/REPO_COMMANDS';

/**
 * The demo and bench commands when the demos workspace is there (a checkout of the repository),
 * none otherwise (an installed `@slipstream/cli`). Only whether the module resolves is checked;
 * an error while loading it is thrown, not taken for its absence.
 */
export async function repoCommands(): Promise<readonly Command[]> {
  try {
    require.resolve(REPO_COMMANDS_MODULE);
  } catch {
    return [];
  }
  return ((await import(REPO_COMMANDS_MODULE)) as { REPO_COMMANDS: readonly Command[] }).REPO_COMMANDS;
}
