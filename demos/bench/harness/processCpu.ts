import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** Parent pid and user + system CPU ticks of one process from `/proc/<pid>/stat`; undefined when it is gone. */
function readStat(pid: number): { ppid: number; ticks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields follow its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * CPU time (user + system) used so far by process `pid` and its direct children (nginx's and
 * HAProxy's workers), µs, from `/proc` (Linux only; resolution 10 ms). Take it before and after
 * a run: the difference is the run's CPU.
 */
export function processTreeCpuUs(pid: number): number {
  let ticks = readStat(pid)?.ticks ?? 0;
  for (const child of childPids(pid)) ticks += readStat(child)?.ticks ?? 0;
  return (ticks / TICKS_PER_S) * 1_000_000;
}

/** The pids of `pid`'s direct children (nginx's and HAProxy's workers), from `/proc`. */
export function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && readStat(Number(entry))?.ppid === pid)
    .map(Number);
}

/**
 * CPU time used so far by every thread of process `pid`, µs, from `/proc/<pid>/task/<tid>/schedstat`
 * (the scheduler's nanosecond count: fine enough for blocks of a few milliseconds, which the
 * 10 ms ticks of `/proc/<pid>/stat` are not); 0 when the process is gone. Linux only.
 */
export function processThreadsCpuUs(pid: number): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ', 1)[0]);
    } catch {
      // The thread ended meanwhile: its time is gone with it.
    }
  }
  return ns / 1_000;
}
