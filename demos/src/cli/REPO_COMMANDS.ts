import type { Command } from '@slipstream/cli';
import { benchCommand } from '../../bench/cli/benchCommand';
import { demoCommand } from './demoCommand';

/** The `slipstream` commands of the repository only (the demos are not published): listed first. */
export const REPO_COMMANDS: readonly Command[] = [demoCommand, benchCommand];
