import { execFile } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', 'src', 'main.ts');

/** Runs the demo's entry point with `args`; resolves with its exit code and output. */
function runMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

jest.setTimeout(90_000);

describe('main', () => {
  describe('when given --help', () => {
    it('prints the usage and exits 0', async () => {
      const { code, stdout } = await runMain(['--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('--only N');
    });
  });

  describe('when given an invalid argument', () => {
    it('exits 2 with an error naming the option, before starting anything', async () => {
      const { code, stderr, stdout } = await runMain(['--only', '11']);
      expect(code).toBe(2);
      expect(stderr).toContain(
        'ConfigError: invalid configuration: --only: expected an integer 1..10, received "11"',
      );
      expect(stdout).toBe('');
    });
  });

  describe('when --config names a file that does not exist', () => {
    it('exits 2 with an error naming the file', async () => {
      const { code, stderr } = await runMain(['--config', join(__dirname, 'missing.json')]);
      expect(code).toBe(2);
      expect(stderr).toContain('--config: expected a readable file');
    });
  });
});
