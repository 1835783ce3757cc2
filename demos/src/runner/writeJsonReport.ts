import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { ScenarioResult } from './Scenario';

/** The machine-readable results of a run (`--json FILE`). */
export interface JsonReport {
  scenarios: ScenarioResult[];
  passed: boolean;
  machine: { cpu: string; cores: number; node: string };
  startedAt: string;
  durationMs: number;
}

/** Builds the JSON report of `results`. */
export function toJsonReport(results: ScenarioResult[], startedAt: Date, durationMs: number): JsonReport {
  const cpu = cpus();
  return {
    scenarios: results,
    passed: results.length > 0 && results.every((r) => r.passed),
    machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, node: process.version },
    startedAt: startedAt.toISOString(),
    durationMs,
  };
}

/** Writes `report` to `file` as indented JSON. */
export async function writeJsonReport(file: string, report: JsonReport): Promise<void> {
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
