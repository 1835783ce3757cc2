import os from 'node:os';

import type { MachineInfo } from '@slipstream/contracts';

/** The machine a benchmark ran on: CPU model, logical cores, Node version. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, node: process.version };
}
