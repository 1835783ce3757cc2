import { request } from 'undici';
import { ConfigError } from '@slipstream/contracts';
import { PrometheusExporter } from '../export/PrometheusExporter';
import { RequestMetrics } from '../export/RequestMetrics';
import { MetricsRegistry } from '../registry/MetricsRegistry';
import { parseExposition } from '../test/parseExposition';
import { RecordingLogger } from '../test/fakes';
import { ADMIN_DEFAULT_PORT, AdminServer } from './AdminServer';

const labels = { cluster: 'users', endpoint: 'http://a:1', route: 'r1', qosClass: 'standard' };

describe('AdminServer', () => {
  const registry = new MetricsRegistry();
  const requests = new RequestMetrics();
  const exporter = new PrometheusExporter(registry, requests);
  let ready = true;
  const logger = new RecordingLogger();
  const server = new AdminServer(registry, exporter, { port: 0, readiness: () => ready }, logger);
  const secured = new AdminServer(registry, exporter, { port: 0, bearerToken: 's3cret' });
  let url: string;
  let securedUrl: string;

  beforeAll(async () => {
    url = await server.start();
    securedUrl = await secured.start();
  });
  afterAll(async () => {
    await server.close();
    await secured.close();
    registry.close();
  });

  describe('.start()', () => {
    it('when started, listens on 127.0.0.1 and logs its URL', () => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(logger.lines).toContainEqual({
        level: 'info',
        message: 'admin server listening',
        fields: { url, metrics: `${url}/metrics`, dashboard: `${url}/dashboard` },
      });
    });

    it('when no port is configured, uses the fixed documented port 9470', () => {
      expect(ADMIN_DEFAULT_PORT).toBe(9470);
      expect(new AdminServer(registry, exporter).port).toBe(9470);
    });
  });

  describe('GET /metrics', () => {
    it('when traffic was observed, serves strict Prometheus text with the labelled series', async () => {
      registry.recordRequest({ ...labels, durationMs: 12, errorKind: '5xx' });
      requests
        .requestStarted({
          method: 'GET',
          path: '/x',
          cluster: 'users',
          route: 'r1',
          qosClass: 'standard',
          kind: 'request',
        })
        .finished({
          outcome: 'upstream_failure',
          status: 500,
          durationMs: 12,
          attempts: 1,
          endpoint: 'http://a:1',
        });
      const res = await request(`${url}/metrics`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
      const samples = parseExposition(await res.body.text());
      expect(
        samples.find(
          (s) => s.name === 'slipstream_request_outcomes_total' && s.labels.outcome === 'upstream_failure',
        ),
      ).toEqual({
        name: 'slipstream_request_outcomes_total',
        labels: { cluster: 'users', route: 'r1', class: 'standard', outcome: 'upstream_failure' },
        value: 1,
      });
    });
  });

  describe('GET /stats', () => {
    it('when asked, serves the JSON snapshot', async () => {
      const res = await request(`${url}/stats`);
      const body = (await res.body.json()) as { metricsCollected: number; clusters: Record<string, unknown> };
      expect(body.metricsCollected).toBe(registry.metricsCollected);
      expect(Object.keys(body.clusters)).toContain('users');
    });
  });

  describe('GET /dashboard', () => {
    it('when asked, serves the page and its uPlot assets locally (no CDN)', async () => {
      const page = await request(`${url}/dashboard`);
      const html = await page.body.text();
      expect(page.headers['content-type']).toContain('text/html');
      const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(sources).toEqual(['/dashboard/uPlot.min.css', '/dashboard/uPlot.iife.min.js']);
      for (const source of sources) {
        const asset = await request(`${url}${source}`);
        expect([asset.statusCode, (await asset.body.text()).length > 1_000]).toEqual([200, true]);
      }
    });

    it('when the events are read, streams the registry state as server-sent events', async () => {
      registry.recordRequest({ ...labels, durationMs: 7 });
      const controller = new AbortController();
      const res = await request(`${url}/dashboard/events`, { signal: controller.signal });
      expect(res.headers['content-type']).toBe('text/event-stream');
      let text = '';
      for await (const chunk of res.body) {
        text += String(chunk);
        if (text.includes('\n\n')) break;
      }
      controller.abort();
      const state = JSON.parse(text.slice('data: '.length, text.indexOf('\n\n'))) as {
        clusters: { name: string; requests: number }[];
      };
      expect(state.clusters.map((c) => c.name)).toContain('users');
    });
  });

  describe('GET /healthz and /readyz', () => {
    it('when not ready, says live but not ready', async () => {
      ready = false;
      const live = await request(`${url}/healthz`);
      const readyz = await request(`${url}/readyz`);
      await live.body.dump();
      await readyz.body.dump();
      expect(live.statusCode).toBe(200);
      expect(readyz.statusCode).toBe(503);
      ready = true;
      const again = await request(`${url}/readyz`);
      await again.body.dump();
      expect(again.statusCode).toBe(200);
    });

    it('when the method is not GET or HEAD, answers 405', async () => {
      const res = await request(`${url}/metrics`, { method: 'POST' });
      await res.body.dump();
      expect(res.statusCode).toBe(405);
    });

    it('when the Host is not a loopback name and no token is set, answers 421 (DNS rebinding); a token lifts it', async () => {
      const get = async (base: string, headers: Record<string, string>): Promise<number> => {
        const res = await request(`${base}/stats`, { headers });
        await res.body.dump();
        return res.statusCode;
      };
      const port = new URL(url).port;
      expect(await get(url, { host: `rebound.example:${port}` })).toBe(421);
      expect(await get(url, { host: `localhost:${port}` })).toBe(200);
      expect(await get(url, { host: `127.0.0.1:${port}` })).toBe(200);
      const withToken = { host: 'rebound.example', authorization: 'Bearer s3cret' };
      expect(await get(securedUrl, withToken)).toBe(200);
    });

    it('when the path is unknown, answers 404', async () => {
      const res = await request(`${url}/nope`);
      await res.body.dump();
      expect(res.statusCode).toBe(404);
    });
  });

  describe('bearer token', () => {
    it('when the token is missing or wrong, answers 401; when right, serves', async () => {
      const none = await request(`${securedUrl}/metrics`);
      const wrong = await request(`${securedUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
      const right = await request(`${securedUrl}/healthz`, { headers: { authorization: 'Bearer s3cret' } });
      await Promise.all([none.body.dump(), wrong.body.dump(), right.body.dump()]);
      expect([none.statusCode, wrong.statusCode, right.statusCode]).toEqual([401, 401, 200]);
    });
  });

  describe('.reconfigure()', () => {
    it('when listening and given a new token, restarts behind it', async () => {
      const admin = new AdminServer(registry, exporter, { port: 0 });
      try {
        const before = await admin.start();
        await admin.reconfigure({ port: 0, bearerToken: 'n3w' });
        expect(admin.listening).toBe(true);
        const after = admin.url!;
        const none = await request(`${after}/healthz`);
        const right = await request(`${after}/healthz`, { headers: { authorization: 'Bearer n3w' } });
        await Promise.all([none.body.dump(), right.body.dump()]);
        expect([none.statusCode, right.statusCode]).toEqual([401, 200]);
        expect(after).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(before).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await admin.close();
      }
    });

    it('when the new port is taken, listens at the old address again and rethrows', async () => {
      const admin = new AdminServer(registry, exporter, { port: 0 });
      try {
        const before = await admin.start();
        const takenPort = Number(new URL(url).port);
        await expect(admin.reconfigure({ port: takenPort })).rejects.toMatchObject({ code: 'EADDRINUSE' });
        expect(admin.listening).toBe(true);
        const res = await request(`${admin.url!}/healthz`);
        await res.body.dump();
        expect(res.statusCode).toBe(200);
        expect(admin.url).not.toBe(url);
        expect(before).toMatch(/^http:/);
      } finally {
        await admin.close();
      }
    });

    it('when the options are invalid, throws a ConfigError naming the field and keeps serving', async () => {
      const admin = new AdminServer(registry, exporter, { port: 0 });
      try {
        const before = await admin.start();
        await expect(admin.reconfigure({ port: 70_000 })).rejects.toThrow(/admin\.port/);
        await expect(admin.reconfigure({ bearerToken: '' })).rejects.toBeInstanceOf(ConfigError);
        expect(admin.url).toBe(before);
      } finally {
        await admin.close();
      }
    });

    it('when not listening, only records the new address for the next start', async () => {
      const admin = new AdminServer(registry, exporter, { port: 0 });
      await admin.reconfigure({ host: 'localhost', port: 0 });
      expect(admin.listening).toBe(false);
      try {
        expect(await admin.start()).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
      } finally {
        await admin.close();
      }
    });
  });

  describe('constructor', () => {
    it('when the host is not loopback, throws a ConfigError unless allowRemote is true and a token is set', () => {
      expect(() => new AdminServer(registry, exporter, { host: '0.0.0.0' })).toThrow(/admin\.host/);
      expect(() => new AdminServer(registry, exporter, { host: '0.0.0.0', allowRemote: true })).toThrow(
        /admin\.bearerToken/,
      );
      expect(
        () => new AdminServer(registry, exporter, { host: '0.0.0.0', allowRemote: true, bearerToken: 't' }),
      ).not.toThrow();
    });
  });
});
