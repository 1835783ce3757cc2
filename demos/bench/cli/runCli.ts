import { ConfigError } from '@slipstream/contracts';

import { markdownTable } from '../harness/report';
import { summaryRow } from '../harness/summaryRow';
import { benchTarget, type TargetBenchResult } from './benchTarget';
import { parseCliArgs, USAGE } from './parseCliArgs';
import { probeTarget } from './probeTarget';

/** Where the CLI writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

function markdown(r: TargetBenchResult): string {
  const rows = Object.entries(r.results).map(([name, s]) => summaryRow(name, s));
  const ratios = Object.entries(r.ratios).map(([k, v]) => `- ${k}: **${v}**`);
  return [
    `Target: ${r.target} (GET), ${r.connections} in flight, ${r.durationS} s in all, medians of ${r.rounds} rounds`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; load average ${r.machine.loadAverage.join(' / ')}`,
    markdownTable(rows),
    ratios.join('\n'),
  ].join('\n\n');
}

/**
 * `slipstream bench --target URL [--duration S] [--connections N] [--json]`: probes the target,
 * compares a new connection per request, `fetch` and the pipeline against it, prints the
 * ratios. Resolves with the exit code: 0, 1 when the target failed, 2 for bad arguments.
 * Every failure is one line on `io.err`; without arguments, the usage line.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  try {
    const options = parseCliArgs(argv);
    await probeTarget(options.target);
    const result = await benchTarget(options, (message) => io.err(`${message}\n`));
    io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : `${markdown(result)}\n`);
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.err(`slipstream: ${message}\n`);
    return ConfigError.is(err) ? 2 : 1;
  }
}
