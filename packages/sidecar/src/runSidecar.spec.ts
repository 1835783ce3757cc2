import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSidecar, SIDECAR_EXIT } from './runSidecar';

describe(runSidecar, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const written: string[] = [];
  const stderr = { write: (text: string) => written.push(text) > 0 };

  it.each([[[]], [['--config']], [['--port', '1']], [['--config', 'a', 'b']]])(
    'exits 2 with the usage for %p',
    async (argv) => {
      written.length = 0;
      expect(await runSidecar(argv, { stderr })).toBe(SIDECAR_EXIT.usage);
      expect(written.join('')).toMatch(/^usage: slipstream sidecar --config FILE/);
    },
  );

  it('exits 2 naming the path when the config is refused', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'network:\n  clusters: []\n');
    written.length = 0;
    expect(await runSidecar([`--config=${file}`], { stderr })).toBe(SIDECAR_EXIT.usage);
    expect(written.join('')).toMatch(/network\.clusters/);
  });
});
