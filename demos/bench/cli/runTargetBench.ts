import { writeFile } from 'node:fs/promises';

import type { CliOptions } from './CliOptions';
import { markdownTable } from '../harness/report';
import { summaryRow } from '../harness/summaryRow';
import { benchTarget, type TargetBenchResult } from './benchTarget';
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
 * `slipstream bench --target URL [--duration S] [--connections N] [--json FILE]`: probes the
 * target, compares a new connection per request, `fetch` and the pipeline against it, prints the
 * ratios as markdown (and writes the JSON record to `--json`). Resolves with 0; rejects with
 * `TargetUnreachableError` when the target does not answer 2xx.
 */
export async function runTargetBench(options: CliOptions, io: CliIo): Promise<number> {
  await probeTarget(options.target);
  const result = await benchTarget(options, (message) => io.err(`${message}\n`));
  io.out(`${markdown(result)}\n`);
  if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify(result, null, 2)}\n`);
  return 0;
}
