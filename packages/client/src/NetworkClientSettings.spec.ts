import { DEFAULTS } from '@slipstream/batching';
import { BREAKER_DEFAULTS } from '@slipstream/resilience';
import { DEFAULT_QOS_CLASSES } from '@slipstream/routing';
import { createNetworkClient } from './createNetworkClient';
import type { NetworkClient } from './NetworkClient';

describe('NetworkClient.settings()', () => {
  let client: NetworkClient;

  afterEach(async () => {
    await client.close();
  });

  it('when nothing was configured, reports every component’s defaults', () => {
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:80' }] }],
    });
    const settings = client.settings();
    expect(settings.pool.connections).toEqual(expect.any(Number));
    expect(settings.clusters).toEqual([{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1' }] }]);
    expect(settings.breaker).toEqual({ ...BREAKER_DEFAULTS, fallback: null });
    expect(settings.clusterBreakers).toEqual({
      api: { ...BREAKER_DEFAULTS, cluster: 'api', fallback: null },
    });
    expect(settings.batching).toMatchObject({
      maxDelayMs: DEFAULTS.maxDelayMs,
      maxBatchSize: DEFAULTS.maxBatchSize,
    });
    expect(settings.batching).not.toHaveProperty('maxBatchBytes');
    expect(settings.routing).toMatchObject({
      routes: [],
      classes: DEFAULT_QOS_CLASSES,
      defaultClass: 'standard',
    });
    expect(settings.routing.adaptiveConcurrency.enabled).toBe(true);
  });

  it('when each stage was configured at run time, reports what each holds now', () => {
    client = createNetworkClient({
      clusters: [{ cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8080' }] }],
    });
    client.configurePooling({ connections: 3 });
    client.configureCluster({
      cluster: 'api',
      algorithm: 'round-robin',
      endpoints: [{ origin: 'http://127.0.0.1:8080' }],
    });
    client.configureCluster({ cluster: 'jobs', endpoints: [{ origin: 'http://127.0.0.1:8081' }] });
    client.configureBreakers({ cluster: 'api', volumeThreshold: 7 });
    client.configureBreakers({ resetTimeoutMs: 12_345 });
    client.configureBatching({ maxDelayMs: 9, maxBatchBytes: 4_096 });
    client.configureRouting({
      routes: [{ id: 'jobs', match: { path: '/jobs' }, cluster: 'jobs' }],
      defaultClass: 'bulk',
    });
    const settings = client.settings();
    expect(settings.pool.connections).toBe(3);
    expect(settings.clusters.map((c) => [c.cluster, c.algorithm])).toEqual([
      ['api', 'round-robin'],
      ['jobs', undefined],
    ]);
    expect(settings.breaker).toEqual({ ...BREAKER_DEFAULTS, resetTimeoutMs: 12_345, fallback: null });
    expect(settings.clusterBreakers).toEqual({
      api: {
        ...BREAKER_DEFAULTS,
        resetTimeoutMs: 12_345,
        volumeThreshold: 7,
        cluster: 'api',
        fallback: null,
      },
      jobs: { ...BREAKER_DEFAULTS, resetTimeoutMs: 12_345, cluster: 'jobs', fallback: null },
    });
    expect(settings.batching).toMatchObject({ maxDelayMs: 9, maxBatchBytes: 4_096 });
    expect(settings.routing.routes.map((r) => r.id)).toEqual(['jobs']);
    expect(settings.routing.defaultClass).toBe('bulk');
  });

  it('reports the open-circuit fallbacks: the default, a cluster’s own, and one taken back with null', () => {
    client = createNetworkClient({
      clusters: [
        { cluster: 'api', endpoints: [{ origin: 'http://127.0.0.1:8081' }] },
        { cluster: 'rpc', endpoints: [{ origin: 'http://127.0.0.1:8082' }] },
      ],
    });
    const shared = { status: 503, body: { error: 'unavailable' } };
    const own = { status: 200, body: { cached: true } };
    client.configureBreakers({ fallback: shared });
    client.configureBreakers({ cluster: 'rpc', fallback: own });
    let settings = client.settings();
    expect(settings.breaker.fallback).toEqual(shared);
    expect(settings.clusterBreakers.api!.fallback).toEqual(shared);
    expect(settings.clusterBreakers.rpc!.fallback).toEqual(own);
    client.configureBreakers({ cluster: 'rpc', fallback: null });
    settings = client.settings();
    expect(settings.clusterBreakers.rpc!.fallback).toBeNull();
    expect(settings.clusterBreakers.api!.fallback).toEqual(shared);
  });
});
