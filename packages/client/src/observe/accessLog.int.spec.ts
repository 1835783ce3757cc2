import { PassThrough } from 'node:stream';
import { createLogger } from '@slipstream/core';
import { AccessLogObserver } from '@slipstream/monitor';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import { createNetworkClient } from '../createNetworkClient';

describe('the access log fed by the NetworkClient', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await startUpstream();
  });
  afterAll(() => up.close());

  it('when requests go through the client, writes one redacted line per request with its outcome', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const logger = createLogger({ destination: out, format: 'json' });
    const client = createNetworkClient(
      { clusters: [{ cluster: 'api', endpoints: [{ origin: up.origin }] }] },
      { observers: [new AccessLogObserver(logger)] },
    );
    try {
      await client.request({ path: '/x?token=SECRET&page=1', cluster: 'api' });
      await client.request({ path: '/status/404', cluster: 'api' });
    } finally {
      await client.close();
    }
    const lines = chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.message, l.path, l.cluster, l.endpoint, l.attempts])).toEqual([
      ['access', '/x?token=[REDACTED]&page=1', 'api', up.origin, 1],
      ['access', '/status/404', 'api', up.origin, 1],
    ]);
    expect(lines[0]).toMatchObject({ status: 200, outcome: 'success' });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(chunks.join('')).not.toContain('SECRET');
  });
});
