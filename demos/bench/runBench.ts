import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';

import { ConfigError } from '@slipstream/contracts';

import { latencyChartSvg } from './harness/latencyChart';
import { machineInfo } from './harness/machine';
import type { BenchArgs } from './harness/benchArgsOf';
import { markdownReport } from './harness/report';
import type { SuiteResult } from './harness/suite';
import { suites } from './suites';

/**
 * Runs the suites `args` selects (all when none), printing progress to stderr and the
 * markdown report to stdout; writes the JSON, markdown and SVG files `args` names. Resolves
 * with 0, or 1 when a suite failed (the others still ran and are reported).
 */
export async function runBench(args: BenchArgs, command: string): Promise<number> {
  const unknown = args.names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new ConfigError([
      {
        path: 'suite',
        expected: `one of ${suites.map((s) => s.name).join(', ')}`,
        received: unknown.join(', '),
      },
    ]);
  }
  const selected = args.names.length === 0 ? suites : suites.filter((s) => args.names.includes(s.name));
  const machine = machineInfo();
  const results: Record<string, SuiteResult> = {};
  let failed = false;
  process.stderr.write(
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}\n`,
  );
  for (const [index, suite] of selected.entries()) {
    const started = Date.now();
    process.stderr.write(`[${index + 1}/${selected.length}] ${suite.name}: ${suite.description}\n`);
    try {
      results[suite.name] = await suite.run({
        rounds: args.rounds,
        progress: (message) => process.stderr.write(`  ${suite.name}: ${message}\n`),
      });
    } catch (error) {
      // One broken suite must not cost the others' results; the run still exits non-zero.
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`  ${suite.name}: FAILED: ${message}\n`);
      results[suite.name] = {
        ratios: {},
        results: { error: message },
        table: [],
        notes: [`FAILED: ${message}`],
      };
      failed = true;
    }
    process.stderr.write(`  ${suite.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const loadAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const markdown = markdownReport(machine, results, command, loadAtEnd);
  process.stdout.write(markdown);
  if (args.markdown) writeOutput(args.markdown, markdown);
  if (args.svg) writeOutput(args.svg, latencyChartSvg(results));
  if (args.json) {
    const json = { machine: { ...machine, loadAverageAtEnd: loadAtEnd }, suites: results };
    writeOutput(args.json, JSON.stringify(json, null, 2) + '\n');
  }
  return failed ? 1 : 0;
}

/** Writes `text` to `file`, creating its folder first (`.bench-results/` is not in the repository). */
function writeOutput(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
