import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What `promtool check metrics` said about an exposition. */
export interface PromtoolVerdict {
  exitCode: number;
  /** Its lint findings (stdout and stderr). */
  output: string;
}

/** The path of `promtool` on PATH (Debian's `prometheus` package ships it); throws a clear error when absent. */
export function findPromtool(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'promtool');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'promtool not found on PATH: install Debian\'s "prometheus" package (apt-get install prometheus; .ci/run does)',
  );
}

/** Runs `promtool check metrics` on `exposition` (fed on stdin). */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolVerdict> {
  const promtool = findPromtool();
  return new Promise((resolve, reject) => {
    const child = execFile(promtool, ['check', 'metrics'], (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`promtool did not run: ${error.message}`, { cause: error }));
        return;
      }
      const exitCode = error === null ? 0 : (error.code as number);
      resolve({ exitCode, output: `${stdout}${stderr}` });
    });
    child.stdin!.end(exposition);
  });
}
