import { ConfigError } from '@slipstream/contracts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoConfig, parseDemoConfig } from './loadDemoConfig';

describe(parseDemoConfig, () => {
  describe('when the upstreams are URLs', () => {
    it('returns them as forward targets (origins)', () => {
      expect(parseDemoConfig({ upstreams: ['http://127.0.0.1:8080/'] })).toEqual({
        upstreams: [{ origin: 'http://127.0.0.1:8080' }],
      });
    });
  });

  describe('when an upstream is an object with path mappings', () => {
    it('returns its origin, path and rpcPath, next to plain URLs', () => {
      expect(
        parseDemoConfig({
          upstreams: [{ url: 'https://api.example.test', path: '/health', rpcPath: '/v1/rpc' }, 'http://h:1'],
        }),
      ).toEqual({
        upstreams: [
          { origin: 'https://api.example.test', path: '/health', rpcPath: '/v1/rpc' },
          { origin: 'http://h:1' },
        ],
      });
    });
  });

  describe('when an upstream is invalid', () => {
    it.each([
      [{ upstreams: ['ftp://x'] }, /upstreams\[0\]\.url: expected an http\(s\) URL without path/],
      [{ upstreams: ['http://x:1/api'] }, /upstreams\[0\]\.url: expected .*, received "http:\/\/x:1\/api"/],
      [
        { upstreams: [{ url: 'http://x:1', path: 'health' }] },
        /upstreams\[0\]\.path: expected a path starting with '\/'/,
      ],
      [{ upstreams: [{ url: 'http://x:1', rpcPath: 3 }] }, /upstreams\[0\]\.rpcPath: expected string/],
      [
        { upstreams: [{ url: 'http://x:1', host: 'y' }] },
        /upstreams\[0\]\.host: expected one of the keys url, path, rpcPath, received unknown key "host"/,
      ],
    ])('%j throws a ConfigError naming the field', (input, message) => {
      expect(() => parseDemoConfig(input)).toThrow(ConfigError);
      expect(() => parseDemoConfig(input)).toThrow(message);
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
      await expect(loadDemoConfig(file)).resolves.toEqual({
        upstreams: [{ origin: 'https://example.test' }],
      });
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
