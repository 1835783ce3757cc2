import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether `binary` is on the PATH (or in /usr/sbin, where Debian puts daemons). */
async function installed(binary: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${binary} || test -x /usr/sbin/${binary}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `binary` is installed, installing Debian's `pkg` with `apt-get` when it is absent
 * (needs root; services are not started: the bench runs its own instance on loopback). Resolves
 * with undefined when the binary is there, else with the reason it could not be installed, for
 * the row that is skipped.
 */
export async function ensureDebianPackage(binary: string, pkg: string): Promise<string | undefined> {
  if (await installed(binary)) return undefined;
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  } catch (err) {
    return `${binary} absent and apt-get install ${pkg} failed: ${String((err as Error).message).split('\n')[0]}`;
  }
  return (await installed(binary)) ? undefined : `${binary} still absent after apt-get install ${pkg}`;
}
