import { ConfigError } from '@slipstream/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSidecarConfig } from './loadSidecarConfig';
import { parseSidecarConfig } from './SidecarConfig';

const network = { clusters: [{ cluster: 'a', endpoints: [{ origin: 'http://127.0.0.1:1' }] }] };

/** The issues of the `ConfigError` `fn` rejects with. */
async function issuesOf(
  fn: () => Promise<unknown>,
): Promise<{ path: string; expected: string; received: string }[]> {
  try {
    await fn();
  } catch (err) {
    expect(ConfigError.is(err)).toBe(true);
    return [...(err as ConfigError).issues];
  }
  throw new Error('no ConfigError');
}

describe(parseSidecarConfig, () => {
  it('fills every default of the sidecar section', async () => {
    expect((await parseSidecarConfig({ network })).sidecar).toEqual({
      listen: { host: '127.0.0.1', port: 15_001 },
      admin: { enabled: true, host: '127.0.0.1', port: 15_000 },
      limits: { maxHeaderBytes: 16_384, maxBodyBytes: 16_777_216 },
      drainTimeoutMs: 10_000,
      watch: true,
      retryAfterSec: 1,
    });
  });

  it('names the full path of every issue, in every section, at once', async () => {
    const issues = await issuesOf(() =>
      parseSidecarConfig({
        bus: { transport: 'carrier-pigeon' },
        network: { clusters: [{ cluster: 'a', endpoints: [{ origin: 'not a url' }] }] },
        sidecar: { listen: { host: '0.0.0.0' }, limits: { maxBodyBytes: -1 } },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'bus.transport',
        'network.clusters[0].endpoints[0].origin',
        'sidecar.listen.host',
        'sidecar.limits.maxBodyBytes',
      ]),
    );
  });

  it('refuses a listener off loopback, a missing network section, and two admin servers', async () => {
    expect(
      (await issuesOf(() => parseSidecarConfig({ network, sidecar: { listen: { host: '0.0.0.0' } } })))[0],
    ).toMatchObject({
      path: 'sidecar.listen.host',
      received: '"0.0.0.0" (string)',
    });
    expect((await issuesOf(() => parseSidecarConfig({})))[0]).toMatchObject({ path: 'network' });
    const agentAdmin = { ...network, monitoring: { admin: { enabled: true } } };
    expect((await parseSidecarConfig({ network: agentAdmin })).sidecar.admin.enabled).toBe(false);
    expect(
      await issuesOf(() =>
        parseSidecarConfig({ network: agentAdmin, sidecar: { admin: { enabled: true } } }),
      ),
    ).toEqual([expect.objectContaining({ path: 'sidecar.admin.enabled' })]);
  });

  it('runs the checks a running system makes, beside the problems of other sections', async () => {
    const issues = await issuesOf(() =>
      parseSidecarConfig({
        log: { level: 'loud' },
        sidecarr: {},
        network: {
          ...network,
          routes: [{ id: 'r', match: { path: '/' }, cluster: 'a', policy: { qosClass: 'gold' } }],
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(['log.level', 'sidecarr', 'network.routes[0].policy.qosClass']);
    expect(issues[1]!.expected).toBe('a known key (did you mean "sidecar"?)');
  });

  it('takes an agents section: the agents it names with their options, misspelt or refused ones named', async () => {
    const agents = { sarah: { group: 'g' }, 'performance-optimizer': {} };
    expect((await parseSidecarConfig({ network, agents })).agents).toEqual(agents);
    expect((await parseSidecarConfig({ network })).agents).toEqual({});
    const issues = await issuesOf(() =>
      parseSidecarConfig({ network, agents: { sara: {}, 'performance-optimizer': { abPairs: 2 } } }),
    );
    expect(issues.map((i) => [i.path, i.expected])).toEqual([
      ['agents.performance-optimizer.abPairs', 'number >= 5'],
      ['agents.sara', 'a known key (did you mean "sarah"?)'],
    ]);
  });

  it('takes the orchestrator’s drain timeout unless one is set', async () => {
    const config = await parseSidecarConfig({ network, orchestrator: { drainTimeoutMs: 3_000 } });
    expect(config.sidecar.drainTimeoutMs).toBe(3_000);
  });

  it('takes a fleet section on NATS; refuses an unknown fleet key, a bad bucket name, and a fleet on the in-process bus', async () => {
    const bus = { transport: 'nats', servers: ['nats://127.0.0.1:4222'] };
    expect((await parseSidecarConfig({ bus, network, fleet: { bucket: 'b1', key: 'k' } })).fleet).toEqual({
      bucket: 'b1',
      key: 'k',
    });
    expect((await parseSidecarConfig({ bus, network })).fleet).toBeUndefined();
    expect(
      (await issuesOf(() => parseSidecarConfig({ bus, network, fleet: { bucket: 'a b', bukket: 'x' } }))).map(
        (i) => i.path,
      ),
    ).toEqual(['fleet.bucket', 'fleet.bukket']);
    expect(await issuesOf(() => parseSidecarConfig({ network, fleet: {} }))).toEqual([
      {
        path: 'bus.transport',
        expected: '"nats" (the `fleet` section follows a JetStream key-value bucket)',
        received: '"in-process"',
      },
    ]);
  });

  it('refuses a drain timeout beyond the orchestrator’s', async () => {
    const issues = await issuesOf(() =>
      parseSidecarConfig({
        network,
        orchestrator: { drainTimeoutMs: 1_000 },
        sidecar: { drainTimeoutMs: 2_000 },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'sidecar.drainTimeoutMs',
        expected: 'number <= orchestrator.drainTimeoutMs (1000)',
        received: '2000',
      },
    ]);
  });

  it('refuses a duration beyond what a Node timer keeps (2³¹ − 1 ms), in every section', async () => {
    const tooLong = 2 ** 31;
    const issues = await issuesOf(() =>
      parseSidecarConfig({
        network: {
          ...network,
          breaker: { cluster: 'a' },
          classes: [{ name: 'standard', priority: 1, queueTimeoutMs: tooLong }],
        },
        orchestrator: { drainTimeoutMs: tooLong },
        sidecar: { drainTimeoutMs: tooLong },
        agents: { 'performance-optimizer': { maxKeepAliveMs: tooLong, maxBreakerResetMs: tooLong } },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'network.classes[0].queueTimeoutMs',
        'orchestrator.drainTimeoutMs',
        'sidecar.drainTimeoutMs',
        'agents.performance-optimizer.maxKeepAliveMs',
        'agents.performance-optimizer.maxBreakerResetMs',
      ]),
    );
    expect(issues.every((i) => i.expected === 'number <= 2147483647')).toBe(true);
  });

  it('refuses breaker settings for a cluster the network section does not configure', async () => {
    expect(
      await issuesOf(() => parseSidecarConfig({ network: { ...network, breaker: { cluster: 'A' } } })),
    ).toEqual([
      { path: 'network.breaker.cluster', expected: 'a configured cluster ("a")', received: '"A" (string)' },
    ]);
  });

  it('refuses sidecar.admin settings that would be dropped because network.monitoring.admin is on', async () => {
    const agentAdmin = { ...network, monitoring: { admin: { enabled: true } } };
    const issues = await issuesOf(() =>
      parseSidecarConfig({
        network: agentAdmin,
        sidecar: { admin: { port: 9100, bearerToken: 'sekrit-token' } },
      }),
    );
    expect(issues).toEqual([
      {
        path: 'sidecar.admin.port',
        expected: expect.stringContaining('absent while network.monitoring.admin.enabled is true') as string,
        received: '9100 (number)',
      },
      {
        path: 'sidecar.admin.bearerToken',
        expected: expect.stringContaining('absent while network.monitoring.admin.enabled is true') as string,
        received: '[REDACTED]',
      },
    ]);
    // Turned off explicitly, the sidecar's settings are not silently dropped: accepted.
    const off = await parseSidecarConfig({
      network: agentAdmin,
      sidecar: { admin: { enabled: false, port: 9100 } },
    });
    expect(off.sidecar.admin.enabled).toBe(false);
  });
});

describe(loadSidecarConfig, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slip-sidecar-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads YAML and JSON', async () => {
    writeFileSync(
      join(dir, 'a.yaml'),
      'network:\n  clusters:\n    - cluster: a\n      endpoints:\n        - origin: http://127.0.0.1:1\nsidecar:\n  listen:\n    port: 0\n',
    );
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ network }));
    expect((await loadSidecarConfig(join(dir, 'a.yaml'))).sidecar.listen.port).toBe(0);
    expect((await loadSidecarConfig(join(dir, 'a.json'))).network).toEqual(network);
  });

  it('refuses a missing file and a syntax error with a ConfigError naming the file', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'network: [unclosed\n');
    await expect(loadSidecarConfig(join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'SLIP_ERR_CONFIG',
    });
    await expect(loadSidecarConfig(join(dir, 'bad.yaml'))).rejects.toThrow(/bad\.yaml/);
  });
});
