import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from './loadConfigFile';

describe(loadConfigFile, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipstream-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('when the file holds valid JSON, returns the parsed core config', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ nodeId: 'n1' }));
    await expect(loadConfigFile(file)).resolves.toMatchObject({
      nodeId: 'n1',
      bus: { transport: 'in-process' },
    });
  });

  it('when the file is .yaml or .yml, parses YAML', async () => {
    for (const name of ['ok.yaml', 'ok.yml']) {
      const file = join(dir, name);
      await writeFile(file, 'nodeId: n2\nbus:\n  transport: in-process\n');
      await expect(loadConfigFile(file)).resolves.toMatchObject({ nodeId: 'n2' });
    }
  });

  it('when the YAML is malformed, throws a ConfigError naming YAML and the file', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'a: [1, 2\n');
    await expect(loadConfigFile(file)).rejects.toThrow(`expected YAML in ${file}`);
  });

  it('when given a schema, validates against it', async () => {
    const file = join(dir, 'custom.json');
    await writeFile(file, JSON.stringify({ port: 'x' }));
    await expect(loadConfigFile(file, z.object({ port: z.number() }))).rejects.toThrow(
      'port: expected number, received "x"',
    );
  });

  it('when the JSON is malformed, throws a ConfigError', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ nope');
    await expect(loadConfigFile(file)).rejects.toMatchObject({ code: 'SLIP_ERR_CONFIG' });
  });

  it('when the file is missing, throws a ConfigError naming the file', async () => {
    await expect(loadConfigFile(join(dir, 'missing.json'))).rejects.toThrow(
      /readable file at .*missing\.json, received ENOENT/,
    );
  });
});
