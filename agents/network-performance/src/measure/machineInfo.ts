import type { MachineInfo } from '@slipstream/contracts';
import { cpus } from 'node:os';

/** The machine this process runs on, as a benchmark reports it. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return { cpu: list[0]?.model ?? 'unknown', cores: list.length, node: process.version };
}
