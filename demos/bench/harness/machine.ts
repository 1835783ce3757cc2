import os from 'node:os';

import type { MachineInfo } from '@slipstream/contracts';

/** The machine a benchmark ran on, plus how loaded it was. */
export interface BenchMachine extends MachineInfo {
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverage: number[];
}

/** The machine a benchmark ran on: CPU model, logical cores, Node version, load average now. */
export function machineInfo(): BenchMachine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
