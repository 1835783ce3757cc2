import type { BenchMachine } from './machine';
import type { SuiteResult, TableRow } from './suite';

/** Formats a number for a table: integers as they are, 3 decimals below 10, 1 below 100, none above. */
function cell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(Math.abs(value) >= 10 ? 1 : 3);
}

/** Renders rows as a markdown table with the union of their columns. */
export function markdownTable(rows: readonly TableRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${columns.map((c) => cell(row[c] ?? '')).join(' | ')} |`);
  return lines.join('\n');
}

/** Renders a whole run: machine, then per suite its table, ratios and notes. */
export function markdownReport(
  machine: BenchMachine,
  suites: Record<string, SuiteResult>,
  command: string,
  loadAverageAtEnd: readonly number[],
): string {
  const parts = [
    '# Benchmarks',
    'Written by the command below (`demos/bench/`). Every suite runs its baseline and candidate in the same run, alternating over rounds (http, monitor and tls: taking turns in blocks of a few hundred requests within each round, their ratios the medians of the paired blocks’ ratios), and reports medians and ratios (candidate ÷ baseline as named); the client under test is the bench process, upstreams run in their own processes (testkit). Absolute figures depend on the machine and its load; read the ratios.',
    `Command: \`${command}\``,
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average (1, 5, 15 min) ${machine.loadAverage.join(' / ')} at the start, ${loadAverageAtEnd.join(' / ')} at the end`,
  ];
  for (const [name, result] of Object.entries(suites)) {
    parts.push(`## ${name}`);
    if (result.table.length > 0) parts.push(markdownTable(result.table));
    const ratios = Object.entries(result.ratios).map(([k, v]) => `- ${k}: **${cell(v)}**`);
    if (ratios.length > 0) parts.push(ratios.join('\n'));
    if (result.notes.length > 0) parts.push(result.notes.map((n) => `- ${n}`).join('\n'));
  }
  return parts.join('\n\n') + '\n';
}
