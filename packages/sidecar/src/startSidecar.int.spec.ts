import { createLogger } from '@slipstream/core';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import type { SidecarConfigInput } from './config/SidecarConfig';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { rawExchange, send } from './test/httpExchange';
import { startRecordingServer, type RecordingServer } from './test/recordingServer';

const logger = createLogger({ silent: true });

describe(startSidecar, () => {
  let a: Upstream;
  let b: Upstream;
  let bad: Upstream;
  let good: Upstream;
  let slow: Upstream;
  let recorder: RecordingServer;
  let victim: RecordingServer;
  let sidecar: RunningSidecar;
  let url: string;

  const config = (): SidecarConfigInput => ({
    network: {
      clusters: [
        { cluster: 'a', endpoints: [{ origin: a.origin }] },
        { cluster: 'b', endpoints: [{ origin: b.origin }] },
        { cluster: 'rec', endpoints: [{ origin: recorder.origin }] },
        { cluster: 'pair', endpoints: [{ origin: bad.origin }, { origin: good.origin }] },
        { cluster: 'slow', endpoints: [{ origin: slow.origin }] },
        { cluster: 'down', endpoints: [{ origin: bad.origin }] },
      ],
      routes: [
        { id: 'api', match: { path: '/api/' }, cluster: 'a' },
        {
          id: 'limited',
          match: { path: '/limited' },
          cluster: 'a',
          policy: { rateLimit: { ratePerSec: 1, burst: 1 } },
        },
        { id: 'rec', match: { path: '/headers' }, cluster: 'rec' },
        { id: 'pair', match: { path: '/pair/' }, cluster: 'pair' },
        { id: 'slow', match: { path: '/slow/' }, cluster: 'slow' },
        { id: 'down', match: { path: '/down/' }, cluster: 'down' },
        { id: 'vhost', match: { host: 'svc.local', path: '/' }, cluster: 'b' },
      ],
      batching: { maxBatchSize: 50, maxDelayMs: 50 },
    },
    sidecar: {
      listen: { port: 0 },
      admin: { port: 0 },
      limits: { maxHeaderBytes: 4_096, maxBodyBytes: 1_048_576 },
      watch: false,
    },
  });

  beforeAll(async () => {
    [a, b, bad, good, slow] = await Promise.all([
      startUpstream({ name: 'a' }),
      startUpstream({ name: 'b' }),
      startUpstream({ name: 'bad', behaviour: { status: 500 } }),
      startUpstream({ name: 'good' }),
      startUpstream({ name: 'slow', behaviour: { latencyMs: 300 } }),
    ]);
    [recorder, victim] = await Promise.all([startRecordingServer(), startRecordingServer()]);
    sidecar = await startSidecar({ config: config(), logger });
    url = sidecar.proxyUrl;
  });

  afterAll(async () => {
    await sidecar.stop();
    await Promise.all([a, b, bad, good, slow, recorder, victim].map((s) => s.close()));
  });

  describe('forwarding', () => {
    it('removes hop-by-hop and control headers and adds x-forwarded-for, forwarded and via', async () => {
      const res = await send(url, {
        path: '/headers?q=1',
        headers: {
          connection: 'keep-alive, x-hop',
          'x-hop': 'secret',
          'keep-alive': 'timeout=9',
          te: 'trailers',
          'proxy-authorization': 'Basic eA==',
          'x-slipstream-priority': 'critical',
          'x-slipstream-sticky-key': 'user-1',
          'x-custom': 'kept',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'bank.example',
        },
      });
      expect(res.status).toBe(200);
      const seen = recorder.seen.at(-1)!;
      expect(seen.url).toBe('/headers?q=1');
      expect(seen.headers).toMatchObject({
        'x-custom': 'kept',
        'x-forwarded-for': '127.0.0.1',
        // The client's own claims are replaced: it reached this first hop over plain HTTP.
        'x-forwarded-proto': 'http',
        'x-forwarded-host': new URL(url).host,
        via: '1.1 slipstream',
      });
      expect(seen.headers.forwarded).toContain('for=127.0.0.1');
      for (const name of [
        'x-hop',
        'keep-alive',
        'te',
        'proxy-authorization',
        'x-slipstream-priority',
        'x-slipstream-sticky-key',
      ]) {
        expect(seen.headers[name]).toBeUndefined();
      }
      expect(res.headers.via).toBe('1.1 slipstream');
      expect(res.headers['x-upstream']).toBe('recording');
      expect(res.headers['keep-alive']).not.toBe('timeout=17');
    });

    it('sends a body given with content-length and one given chunked', async () => {
      const fixed = await send(url, { method: 'POST', path: '/api/items', body: Buffer.alloc(5_000, 1) });
      expect(fixed.json).toMatchObject({ upstream: 'a', method: 'POST', bytes: 5_000 });
      const chunked = await send(url, {
        method: 'POST',
        path: '/api/items',
        chunks: [Buffer.alloc(70_000, 2), Buffer.alloc(30_000, 3)],
      });
      expect(chunked.json).toMatchObject({ upstream: 'a', bytes: 100_000 });
    });

    it('passes a compressed body through as the upstream sent it, for the encodings the client accepts, corrupt or not', async () => {
      a.setBehaviour({ compress: 'gzip', bodySize: 32_768 });
      const plain = await send(url, { path: '/api/zip' });
      const zipped = await send(url, { path: '/api/zip', headers: { 'accept-encoding': 'gzip' } });
      a.setBehaviour({ compress: 'gzip', corruptCompression: true });
      const corrupt = await send(url, { path: '/api/zip', headers: { 'accept-encoding': 'gzip' } });
      a.setBehaviour({});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
      expect(zipped.body.length).toBeLessThan(plain.body.length);
      // Not the sidecar's to judge: the client gets the upstream's bytes whole, as from any proxy.
      expect([corrupt.status, corrupt.headers['content-encoding']]).toEqual([200, 'gzip']);
    });

    it('streams a large response body', async () => {
      a.setBehaviour([{ match: { path: '/api/big' }, behaviour: { bodySize: 4_000_000 } }]);
      const res = await send(url, { path: '/api/big' });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThanOrEqual(4_000_000);
      a.setBehaviour({});
    });

    it('answers HEAD with the headers and no body', async () => {
      const res = await send(url, { method: 'HEAD', path: '/api/head' });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(0);
      expect(sidecar.stats().errors).toEqual({});
    });

    it('routes by Host, and by x-slipstream-cluster when no route matches', async () => {
      expect((await send(url, { path: '/x', headers: { host: 'svc.local' } })).json).toMatchObject({
        upstream: 'b',
      });
      expect(
        (await send(url, { path: '/other', headers: { 'x-slipstream-cluster': 'b' } })).json,
      ).toMatchObject({
        upstream: 'b',
      });
    });

    it('avoids a failing endpoint: once it failed, answers are 200 and it sees few requests', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await send(url, { path: `/pair/${i}` })).status);
      expect(statuses.slice(10).every((s) => s === 200)).toBe(true);
      expect(bad.counters().requestsReceived * 5).toBeLessThan(good.counters().requestsReceived);
    });
  });

  describe('errors as HTTP', () => {
    it('answers a route without a match with 404, and an unknown cluster too', async () => {
      const none = await send(url, { path: '/nowhere' });
      expect(none.status).toBe(404);
      expect(none.json).toMatchObject({ error: { code: 'SLIP_ERR_NO_ROUTE' } });
      const unknown = await send(url, { path: '/other', headers: { 'x-slipstream-cluster': 'nope' } });
      expect(unknown.status).toBe(404);
    });

    it('answers a shed request with 503 and retry-after', async () => {
      const first = await send(url, { path: '/limited' });
      const second = await send(url, { path: '/limited' });
      expect(first.status).toBe(200);
      expect(second.status).toBe(503);
      expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(second.json).toMatchObject({ error: { code: 'SLIP_ERR_OVERLOADED', retryable: true } });
    });

    it("answers an open circuit with 503 and retry-after: the time until it lets a probe through (the default reset, 60 s), not the sidecar's 1 s default", async () => {
      let res = await send(url, { path: '/down/x' });
      for (let i = 0; i < 40 && res.status !== 503; i++) res = await send(url, { path: '/down/x' });
      expect(res.json).toMatchObject({ error: { code: 'SLIP_ERR_BROKEN_CIRCUIT' } });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(30);
      expect(retryAfter).toBeLessThanOrEqual(60);
    });

    it('answers a passed deadline (x-slipstream-timeout-ms) with 504', async () => {
      a.setBehaviour([{ match: { path: '/api/hang' }, behaviour: { hang: true } }]);
      const res = await send(url, { path: '/api/hang', headers: { 'x-slipstream-timeout-ms': '150' } });
      a.setBehaviour({});
      expect(res.status).toBe(504);
      expect(res.json).toMatchObject({ error: { code: 'SLIP_ERR_TIMEOUT' } });
    });

    it('answers an upstream connection failure with 502', async () => {
      a.setBehaviour([{ match: { path: '/api/reset' }, behaviour: { reset: 'beforeHeaders' } }]);
      const res = await send(url, { method: 'POST', path: '/api/reset', body: 'x' });
      a.setBehaviour({});
      expect(res.status).toBe(502);
      expect(res.json).toMatchObject({ error: { code: 'SLIP_ERR_CONNECTION' } });
    });

    it('answers an unknown x-slipstream-priority class with 400 and a known one with the response', async () => {
      const unknown = await send(url, { path: '/api/x', headers: { 'x-slipstream-priority': 'gold' } });
      expect(unknown.status).toBe(400);
      expect(unknown.json).toMatchObject({ error: { code: 'SLIP_ERR_UNKNOWN_QOS_CLASS' } });
      expect(
        (await send(url, { path: '/api/x', headers: { 'x-slipstream-priority': 'critical' } })).status,
      ).toBe(200);
    });

    it('refuses a bad deadline header with 400', async () => {
      const res = await send(url, { path: '/api/x', headers: { 'x-slipstream-timeout-ms': 'soon' } });
      expect(res.status).toBe(400);
    });

    it('refuses a deadline longer than a Node timer keeps (2³¹ ms) with 400 and sends nothing upstream (it fired at once, was retried and opened the breaker)', async () => {
      const served = a.counters().requestsServed;
      const res = await send(url, { path: '/api/x', headers: { 'x-slipstream-timeout-ms': '3000000000' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toContain('up to 2147483647');
      expect(a.counters().requestsServed).toBe(served);
      expect((await send(url, { path: '/api/x' })).status).toBe(200);
    });
  });

  describe('no open proxy', () => {
    it('refuses unknown hosts, absolute URIs to other hosts and CONNECT, counts them, and forwards none', async () => {
      const victimHost = new URL(victim.origin).host;
      const before = sidecar.stats().refused;
      const evil = await send(url, { path: '/api/x', headers: { host: 'evil.example' } });
      const victimAsHost = await send(url, { path: '/', headers: { host: victimHost } });
      const absolute = await send(url, { path: `${victim.origin}/steal` });
      const connect = await rawExchange(url, `CONNECT ${victimHost} HTTP/1.1\r\nHost: ${victimHost}\r\n\r\n`);
      expect([evil.status, victimAsHost.status, absolute.status]).toEqual([421, 421, 421]);
      expect(absolute.json).toMatchObject({ error: { code: 'SLIP_ERR_REFUSED' } });
      expect(connect).toMatch(/^HTTP\/1\.1 405 /);
      const refused = sidecar.stats().refused;
      expect((refused.unknown_host ?? 0) - (before.unknown_host ?? 0)).toBe(2);
      expect((refused.absolute_form ?? 0) - (before.absolute_form ?? 0)).toBe(1);
      expect((refused.connect ?? 0) - (before.connect ?? 0)).toBe(1);
      expect(victim.seen).toHaveLength(0);
    });

    it('refuses a request with two Host fields (RFC 9112 §3.2: 400), forwarding nothing', async () => {
      const before = recorder.seen.length;
      const text = await rawExchange(
        url,
        `GET /headers HTTP/1.1\r\nHost: ${new URL(url).host}\r\nHost: ${new URL(victim.origin).host}\r\nconnection: close\r\n\r\n`,
      );
      expect(text).toMatch(/^HTTP\/1\.1 400 /);
      expect(recorder.seen.length).toBe(before);
    });

    it('serves an absolute URI naming the sidecar itself', async () => {
      const res = await send(url, { path: `${url}/api/self` });
      expect(res.json).toMatchObject({ upstream: 'a', path: '/api/self' });
    });
  });

  describe('limits', () => {
    it('answers a body beyond maxBodyBytes with 413: declared, unforwarded; streamed, cut on the way', async () => {
      const served = a.counters().requestsReceived;
      const declared = await send(url, { method: 'POST', path: '/api/up', body: Buffer.alloc(1_048_577) });
      expect(a.counters().requestsReceived).toBe(served);
      const streamed = await send(url, {
        method: 'POST',
        path: '/api/up',
        chunks: [Buffer.alloc(800_000), Buffer.alloc(800_000)],
      });
      expect([declared.status, streamed.status]).toEqual([413, 413]);
    });

    it('answers expect: 100-continue with 413 for a declared body beyond the limit, without inviting it; with 100 Continue otherwise', async () => {
      const head = (length: number): string =>
        `POST /api/up HTTP/1.1\r\nHost: ${new URL(url).host}\r\nexpect: 100-continue\r\n` +
        `content-length: ${length}\r\nconnection: close\r\n\r\n`;
      const refused = await rawExchange(url, head(2_000_000));
      expect(refused).toMatch(/^HTTP\/1\.1 413 /);
      expect(refused).not.toContain('100 Continue');
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      const read: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        read.push(chunk);
        if (Buffer.concat(read).includes('100 Continue\r\n\r\n') && read.length === 1) socket.write('hello');
      });
      socket.write(head(5));
      await new Promise((resolve) => socket.on('close', resolve));
      expect(Buffer.concat(read).toString('latin1')).toMatch(
        /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /,
      );
    });

    it('answers a head beyond maxHeaderBytes with 431', async () => {
      const res = await send(url, { path: '/api/x', headers: { 'x-big': 'y'.repeat(8_000) } });
      expect(res.status).toBe(431);
      expect(sidecar.stats().refused.header_too_large).toBeGreaterThanOrEqual(1);
    });
  });

  describe('pipelined requests', () => {
    const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n\r\n`;

    /** Waits (at most 2 s) until the sidecar has no request in flight; returns how many are left. */
    async function settledInFlight(): Promise<number> {
      const deadline = Date.now() + 2_000;
      while (sidecar.stats().inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return sidecar.stats().inFlight;
    }

    it('refuses a malformed request behind two others after answering them, in order, and keeps nothing in flight', async () => {
      const text = await rawExchange(url, `${get('/api/one')}${get('/slow/two')}GET\x01 bad\r\n\r\n`);
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      expect(statuses).toEqual([200, 200, 400]);
      expect(text.indexOf('"path":"/api/one"')).toBeLessThan(text.indexOf('"path":"/slow/two"'));
      expect(text.indexOf('"path":"/slow/two"')).toBeLessThan(text.indexOf('SLIP_ERR_REFUSED'));
      expect(await settledInFlight()).toBe(0);
    });

    it('cuts a request whose body the client cut short (half-close): nothing stays in flight, no refusal is counted or sent', async () => {
      const before = sidecar.stats();
      const text = await rawExchange(
        url,
        `POST /api/up HTTP/1.1\r\nHost: ${new URL(url).host}\r\ncontent-length: 100\r\n\r\n${'x'.repeat(50)}`,
        { halfClose: true },
      );
      expect(text).toBe('');
      expect(await settledInFlight()).toBe(0);
      const after = sidecar.stats();
      expect(after.requests - before.requests).toBe(1);
      expect(after.refused.bad_request ?? 0).toBe(before.refused.bad_request ?? 0);
    });

    it('stops counting a queued response in flight when its client goes away', async () => {
      // The first takes 2 s: both stay in flight while the test looks, however loaded the machine.
      slow.setBehaviour([{ match: { path: '/slow/first' }, behaviour: { latencyMs: 2_000 } }]);
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`${get('/slow/first')}${get('/slow/queued')}`);
      const deadline = Date.now() + 1_500;
      while (sidecar.stats().inFlight < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(sidecar.stats().inFlight).toBe(2);
      socket.destroy();
      expect(await settledInFlight()).toBe(0);
      slow.setBehaviour([]);
    });
  });

  describe('JSON-RPC coalescing', () => {
    it('batches single calls of 50 connections; each caller gets its own result', async () => {
      a.resetCounters();
      // Every connection's headers first, then every body at once: the calls meet in the batcher
      // together however slowly a loaded machine opens 50 connections.
      let release!: () => void;
      const hold = new Promise<void>((resolve) => (release = resolve));
      const pending = Array.from({ length: 50 }, (_, i) =>
        send(url, {
          method: 'POST',
          path: '/_slipstream/rpc/a',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: `c${i}`, method: 'echo', params: { i } }),
          hold,
        }),
      );
      while (sidecar.stats().inFlight < 50) await new Promise((resolve) => setTimeout(resolve, 5));
      release();
      const answers = await Promise.all(pending);
      answers.forEach((res, i) => expect(res.json).toEqual({ jsonrpc: '2.0', id: `c${i}`, result: { i } }));
      const counters = a.counters();
      expect(counters.rpcCalls).toBe(50);
      expect((counters.requestsByRoute['/rpc'] ?? 0) / 50).toBeLessThanOrEqual(0.2);
    });

    it('answers a GET with 405 and allow: POST, a malformed cluster escape with 400', async () => {
      const get = await send(url, { path: '/_slipstream/rpc/a' });
      expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
      const malformed = await send(url, { method: 'POST', path: '/_slipstream/rpc/%E0%A4%A', body: '{}' });
      expect(malformed.status).toBe(400);
      expect(malformed.json).toMatchObject({ error: { code: 'SLIP_ERR_REFUSED' } });
    });

    it("answers a call's error object to its caller", async () => {
      const res = await send(url, {
        method: 'POST',
        path: '/_slipstream/rpc/a',
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'add', params: ['x'] }),
      });
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32602 } });
    });
  });

  describe('reload', () => {
    it('moves a route to another cluster without a failed request', async () => {
      const seen: string[] = [];
      let moved = false;
      const reloaded = (async () => {
        while (seen.length < 5) await new Promise((r) => setTimeout(r, 5));
        const next = config();
        next.network.routes = next.network.routes!.map((r) => (r.id === 'api' ? { ...r, cluster: 'b' } : r));
        const change = await sidecar.reload(next);
        expect(change.applied).toEqual(['routing']);
        moved = true;
      })();
      const statuses: number[] = [];
      while (!moved || seen.at(-1) !== 'b') {
        const res = await send(url, { path: '/api/r' });
        statuses.push(res.status);
        seen.push((res.json as { upstream: string }).upstream);
      }
      await reloaded;
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(seen[0]).toBe('a');
      expect(seen.at(-1)).toBe('b');
      await sidecar.reload(config());
    });

    it('serves the host of a route a reload added, and refuses it (421) once a reload removed it', async () => {
      const next = config();
      next.network.routes = [
        ...next.network.routes!,
        { id: 'added', match: { host: 'added.local' }, cluster: 'b' },
      ];
      await sidecar.reload(next);
      const added = await send(url, { path: '/x', headers: { host: 'added.local' } });
      expect([added.status, (added.json as { upstream?: string }).upstream]).toEqual([200, 'b']);
      await sidecar.reload(config());
      expect((await send(url, { path: '/x', headers: { host: 'added.local' } })).status).toBe(421);
    });

    it('refuses an invalid config and keeps the one in force', async () => {
      const next = config();
      next.network.routes = [{ id: 'broken', match: { path: '/api/' }, cluster: 'missing' }];
      await expect(sidecar.reload(next)).rejects.toMatchObject({ code: 'SLIP_ERR_CONFIG' });
      expect((await send(url, { path: '/api/still' })).json).toMatchObject({ upstream: 'a' });
    });
  });
});
