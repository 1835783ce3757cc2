import { ConfigError } from '@slipstream/contracts';
import type { Command, CommandIo } from './Command';
import { EXIT } from './EXIT';
import { parseCommandLine } from './parseCommandLine';

/** How long a command may take to stop after SIGINT / SIGTERM before the process exits anyway. */
export const STOP_GRACE_MS = 10_000;

/** The process-level parts `runMain` uses (the real process by default; tests pass their own). */
export interface MainProcess {
  io: CommandIo;
  /** Subscribes to every delivery of a signal; returns the unsubscriber. */
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): () => void;
}

/** `slipstream --help`: the commands and their one-line summaries. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: slipstream COMMAND [options]   (slipstream COMMAND --help for its options)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit status: 0 ok, 1 failure, 2 usage or invalid configuration, 130 SIGINT, 143 SIGTERM',
    '',
  ].join('\n');
}

/** One line on stderr for an error, `slipstream: ` first. */
function describe(err: unknown): string {
  return `slipstream: ${err instanceof Error ? err.message : String(err)}\n`;
}

/**
 * Runs `slipstream ARGV`: picks the command, parses its options, runs it with an `AbortSignal`
 * that SIGINT / SIGTERM abort, and resolves with the exit status: the command's, 2 for bad usage
 * (one line naming the option), 1 for a failure, 130 / 143 once a signal stopped it (at the
 * latest `STOP_GRACE_MS` after the signal, whether the command finished stopping or not).
 */
export async function runMain(
  argv: readonly string[],
  commands: readonly Command[],
  proc: MainProcess,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    if (name === undefined) {
      proc.io.err(mainHelp(commands));
      return EXIT.usage;
    }
    proc.io.out(mainHelp(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const known = commands.map((c) => c.name).join(', ');
    proc.io.err(
      describe(
        new ConfigError([{ path: 'command', expected: `one of ${known}`, received: JSON.stringify(name) }]),
      ),
    );
    return EXIT.usage;
  }
  let args: ReturnType<typeof parseCommandLine>;
  try {
    args = parseCommandLine(command, rest);
  } catch (err) {
    proc.io.err(describe(err));
    return EXIT.usage;
  }
  if (args.help) {
    proc.io.out(`${command.help}\n`);
    return EXIT.ok;
  }
  const stop = new AbortController();
  const unsubscribe: (() => void)[] = [];
  let stoppedBy: number | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stopped = new Promise<number>((resolve) => {
    const on = (signal: 'SIGINT' | 'SIGTERM', code: number): (() => void) =>
      proc.onSignal(signal, () => {
        if (stoppedBy !== undefined) return resolve(code); // a second signal: stop waiting
        proc.io.err(`slipstream: ${signal}, stopping (again to exit at once)\n`);
        stoppedBy = code;
        stop.abort(new Error(signal));
        graceTimer = setTimeout(() => resolve(code), STOP_GRACE_MS);
      });
    if (command.ownsSignals !== true)
      unsubscribe.push(on('SIGINT', EXIT.sigint), on('SIGTERM', EXIT.sigterm));
  });
  try {
    const code = await Promise.race([command.run(args, { io: proc.io, signal: stop.signal }), stopped]);
    return stoppedBy ?? code;
  } catch (err) {
    proc.io.err(describe(err));
    return stoppedBy ?? (ConfigError.is(err) ? EXIT.usage : EXIT.failure);
  } finally {
    clearTimeout(graceTimer);
    for (const off of unsubscribe) off();
  }
}
