/**
 * `npm run bench [-- SUITE ...] [--rounds N] [--json FILE] [--markdown FILE]`
 *
 * Runs the benchmark suites (all by default), each comparing baseline and candidate in the
 * same run, and prints a markdown table per suite with the ratios and the machine.
 */
import { writeFileSync } from 'node:fs';

import { machineInfo } from './harness/machine';
import { markdownReport } from './harness/report';
import type { SuiteResult } from './harness/suite';
import { suites } from './suites';

interface Args {
  names: string[];
  rounds: number;
  json?: string;
  markdown?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { names: [], rounds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') args.json = value();
    else if (arg === '--markdown') args.markdown = value();
    else if (arg === '--rounds') args.rounds = Number(value());
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else args.names.push(arg);
  }
  if (!Number.isInteger(args.rounds) || args.rounds < 1)
    throw new Error('--rounds must be a positive integer');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = args.names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
  }
  const selected = args.names.length === 0 ? suites : suites.filter((s) => args.names.includes(s.name));
  const machine = machineInfo();
  const results: Record<string, SuiteResult> = {};
  process.stderr.write(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}\n`);
  for (const [index, suite] of selected.entries()) {
    process.stderr.write(`[${index + 1}/${selected.length}] ${suite.name}: ${suite.description}\n`);
    results[suite.name] = await suite.run({
      rounds: args.rounds,
      progress: (message) => process.stderr.write(`  ${suite.name}: ${message}\n`),
    });
  }
  const command = ['npm run bench --', ...process.argv.slice(2)].join(' ');
  const markdown = markdownReport(machine, results, command);
  process.stdout.write(markdown);
  if (args.markdown) writeFileSync(args.markdown, markdown);
  if (args.json) writeFileSync(args.json, JSON.stringify({ machine, suites: results }, null, 2) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
