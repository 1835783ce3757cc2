import { DEMO_HELP, DEMO_OPTIONS, demoArgsOf } from './demoArgsOf';
import type { Command } from '@slipstream/cli';

/** `slipstream demo`: the scenario suite (`npm start` runs it). */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the 10 scenarios, baseline vs optimized, on local or --config upstreams',
  help: DEMO_HELP,
  options: DEMO_OPTIONS,
  positionals: false,
  run: async ({ values }, { io, signal }) => {
    const args = demoArgsOf(values);
    // Loaded on use, so that `--help` and usage errors answer at once.
    io.err('loading the scenarios…\n');
    const { runDemo } = await import('../runDemo');
    return runDemo(args, io, signal);
  },
};
