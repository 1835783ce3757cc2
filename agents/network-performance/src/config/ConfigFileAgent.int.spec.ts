import { TOKENS, type Agent, type AgentContext, type LoadBalancingResult } from '@slipstream/contracts';
import type { NetworkClient } from '@slipstream/client';
import { Orchestrator } from '@slipstream/core';
import { freePort, startUpstream, type Upstream } from '@slipstream/testkit';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkPerformanceAgent } from '../NetworkPerformanceAgent';
import { networkPerformanceModules } from '../networkPerformanceModules';
import { ConfigFileAgent, type ConfigReloadResult } from './ConfigFileAgent';
import { readConfigFile } from './readConfigFile';

/** Keeps its context so that the test reaches the sidecar's NetworkClient and the bus. */
class Probe implements Agent {
  readonly id = 'probe';
  readonly role = 'test probe';
  readonly capabilities = [];
  readonly dependsOn = ['network-performance'];
  ctx!: AgentContext;
  start(ctx: AgentContext): Promise<void> {
    this.ctx = ctx;
    return Promise.resolve();
  }
  stop = (): Promise<void> => Promise.resolve();
  health = () => ({ live: true, ready: true });
}

/** The config file: clusters blue (one endpoint) and green (one live, one dead), `/orders` to `route`. */
function configYaml(blue: string, green: string, dead: string, route: string): string {
  return `# yaml-language-server: $schema=../slipstream.schema.json
log: { level: error }
network:
  clusters:
    - cluster: blue
      endpoints: [{ origin: "${blue}" }]
    - cluster: green
      endpoints: [{ origin: "${green}" }, { origin: "${dead}" }]
      healthCheck: { path: /health, intervalMs: 50, timeoutMs: 200, unhealthyThreshold: 1, healthyThreshold: 1 }
  routes:
    - id: orders
      match: { path: /orders }
      cluster: ${route}
`;
}

describe('ConfigFileAgent (a running system edited through its config file)', () => {
  let dir: string;
  let file: string;
  let blue: Upstream;
  let green: Upstream;
  let dead: string;
  let orchestrator: Orchestrator;
  let probe: Probe;
  const reloads: ConfigReloadResult[] = [];
  let waiting: ((r: ConfigReloadResult) => void) | undefined;
  const nextReload = (): Promise<ConfigReloadResult> => new Promise((resolve) => (waiting = resolve));

  /** Replaces the file the way editors do (write a temporary file, rename it over). */
  async function edit(text: string): Promise<ConfigReloadResult> {
    const reloaded = nextReload();
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
    return reloaded;
  }

  const orders = async (n: number): Promise<void> => {
    const network = probe.ctx.services.get<NetworkClient>(TOKENS.NetworkClient);
    for (let i = 0; i < n; i++) expect((await network.request({ path: '/orders' })).statusCode).toBe(200);
  };
  const green2 = async (): Promise<LoadBalancingResult> =>
    probe.ctx.bus.request('network.balancing.configure', { cluster: 'green' }, { timeoutMs: 5_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipstream-config-'));
    file = join(dir, 'slipstream.yaml');
    blue = await startUpstream({ requestLogSize: 0 });
    green = await startUpstream({ requestLogSize: 0 });
    dead = `http://127.0.0.1:${await freePort()}`;
    await writeFile(file, configYaml(blue.origin, green.origin, dead, 'blue'));
    const config = await readConfigFile(file);
    const sidecar = new NetworkPerformanceAgent(config.network);
    const reloader = new ConfigFileAgent({
      file,
      current: config,
      onReload: (r) => {
        reloads.push(r);
        waiting?.(r);
      },
    });
    probe = new Probe();
    orchestrator = new Orchestrator({ config: config.core });
    orchestrator
      .use(...networkPerformanceModules(sidecar))
      .register(sidecar)
      .register(reloader)
      .register(probe);
    await orchestrator.start();
    // The dead endpoint of green fails its health checks (bounded wait).
    for (let i = 0; i < 100 && (await green2()).stats.endpoints[1]!.healthy; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await Promise.all([blue?.close(), green?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a valid change: the route moves traffic to the other cluster; endpoint state is kept', async () => {
    expect((await green2()).stats.endpoints.map((e) => e.healthy)).toEqual([true, false]);
    await orders(5);
    expect(blue.counters().requestsByRoute['/orders']).toBe(5);

    const result = await edit(configYaml(blue.origin, green.origin, dead, 'green'));
    expect(result).toEqual({ status: 'applied', paths: ['network.routes'] });
    // green was not rebuilt: its dead endpoint is still known to be down.
    expect((await green2()).stats.endpoints.map((e) => e.healthy)).toEqual([true, false]);
    await orders(5);
    expect(green.counters().requestsByRoute['/orders']).toBe(5);
    expect(blue.counters().requestsByRoute['/orders']).toBe(5);
  });

  it('refuses an invalid change with its path and keeps serving the config in force', async () => {
    const result = await edit(
      configYaml(blue.origin, green.origin, dead, 'green').replace('routes:', 'routez:'),
    );
    expect(result.status).toBe('refused');
    expect(result.status === 'refused' && result.error.message).toMatch(
      /network\.routez: expected a known key \(did you mean "routes"\?\)/,
    );
    await orders(3);
    expect(green.counters().requestsByRoute['/orders']).toBe(8);
    expect(blue.counters().requestsByRoute['/orders']).toBe(5);
  });

  it('refuses a change the running system cannot take without a restart, naming it', async () => {
    const text = configYaml(blue.origin, green.origin, dead, 'blue').replace('level: error', 'level: warn');
    const result = await edit(text);
    expect(result.status === 'refused' && result.error.message).toMatch(
      /^invalid configuration: log: expected the value in force \(this change needs a restart\)/,
    );
    await orders(1);
    expect(green.counters().requestsByRoute['/orders']).toBe(9);
  });

  it('reloads on SIGHUP', async () => {
    await writeFile(file, configYaml(blue.origin, green.origin, dead, 'blue'));
    await new Promise((r) => setTimeout(r, 300)); // let the change event's reload settle first
    const reloaded = nextReload();
    // Jest gives the test its own `process` object, so a real signal would not reach the
    // agent's listener here; the listener is what the signal triggers.
    process.emit('SIGHUP', 'SIGHUP');
    expect((await reloaded).status).toMatch(/applied|unchanged/);
    await orders(2);
    expect(blue.counters().requestsByRoute['/orders']).toBe(7);
  });
});
