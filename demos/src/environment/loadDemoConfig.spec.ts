import { ConfigError } from '@slipstream/contracts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoConfig, parseDemoConfig } from './loadDemoConfig';

describe(parseDemoConfig, () => {
  describe('when the upstreams are URLs', () => {
    it('returns them', () => {
      expect(parseDemoConfig({ upstreams: ['http://127.0.0.1:8080'] })).toEqual({
        upstreams: ['http://127.0.0.1:8080'],
      });
    });
  });

  describe('when an upstream is not an http(s) URL', () => {
    it('throws a ConfigError naming its path', () => {
      expect(() => parseDemoConfig({ upstreams: ['ftp://x'] })).toThrow(/upstreams\.0: expected/);
    });
  });

  describe('when there are no upstreams', () => {
    it('throws a ConfigError naming the field', () => {
      expect(() => parseDemoConfig({ upstreams: [] })).toThrow(ConfigError);
      expect(() => parseDemoConfig({})).toThrow(/upstreams: expected array/);
    });
  });
});

describe(loadDemoConfig, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-config-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('when the file is valid', () => {
    it('reads it', async () => {
      const file = join(dir, 'ok.json');
      await writeFile(file, JSON.stringify({ upstreams: ['https://example.test:443'] }));
      await expect(loadDemoConfig(file)).resolves.toEqual({ upstreams: ['https://example.test:443'] });
    });
  });

  describe('when the file is missing or not JSON', () => {
    it('throws a ConfigError naming the file', async () => {
      await expect(loadDemoConfig(join(dir, 'missing.json'))).rejects.toThrow(
        /--config: expected a readable file/,
      );
      const bad = join(dir, 'bad.json');
      await writeFile(bad, '{ nope');
      await expect(loadDemoConfig(bad)).rejects.toThrow(/bad\.json: expected valid JSON/);
    });
  });
});
