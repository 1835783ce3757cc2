import { createLogger } from '@slipstream/core';
import { startUpstream, type Upstream } from '@slipstream/testkit';
import type { SidecarConfigInput } from './config/SidecarConfig';
import { startSidecar, type RunningSidecar } from './startSidecar';
import { send } from './test/httpExchange';

const logger = createLogger({ silent: true });
const token = 'admin-token-of-the-sidecar';

describe('a reload that would turn network.monitoring.admin on beside the sidecar’s admin server', () => {
  let upstream: Upstream;
  let sidecar: RunningSidecar;

  const config = (): SidecarConfigInput => ({
    network: {
      clusters: [{ cluster: 'a', endpoints: [{ origin: upstream.origin }] }],
      routes: [{ id: 'api', match: { path: '/api/' }, cluster: 'a' }],
    },
    sidecar: { listen: { port: 0 }, admin: { port: 0, bearerToken: token }, watch: false },
  });
  const withAgentAdmin = (input: SidecarConfigInput): SidecarConfigInput => ({
    ...input,
    network: { ...input.network, monitoring: { admin: { enabled: true, port: 0 } } },
  });

  beforeAll(async () => {
    upstream = await startUpstream({ name: 'a' });
    sidecar = await startSidecar({ config: config(), logger });
  });

  afterAll(async () => {
    await sidecar.stop();
    await upstream.close();
  });

  /** Whether the sidecar's admin server still serves /metrics with its token only, and the proxy still forwards. */
  async function expectConfigInForce(): Promise<void> {
    expect((await fetch(`${sidecar.adminUrl}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${sidecar.adminUrl}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(metrics.status).toBe(200);
    expect((await send(sidecar.proxyUrl, { path: '/api/x' })).json).toMatchObject({ upstream: 'a' });
  }

  it('refuses one that keeps the sidecar.admin settings (they would be dropped), naming them', async () => {
    await expect(sidecar.reload(withAgentAdmin(config()))).rejects.toMatchObject({
      code: 'SLIP_ERR_CONFIG',
      issues: [
        expect.objectContaining({ path: 'sidecar.admin.port' }),
        expect.objectContaining({ path: 'sidecar.admin.bearerToken', received: '[REDACTED]' }),
      ],
    });
    await expectConfigInForce();
  });

  it('refuses one without sidecar.admin settings too: the running admin server stays the only one', async () => {
    const next = withAgentAdmin(config());
    next.sidecar = { listen: { port: 0 }, watch: false };
    await expect(sidecar.reload(next)).rejects.toMatchObject({
      code: 'SLIP_ERR_CONFIG',
      issues: [
        {
          path: 'network.monitoring.admin.enabled',
          expected: expect.stringContaining(
            "false or absent while the sidecar's admin server runs",
          ) as string,
          received: 'true (boolean)',
        },
      ],
    });
    await expectConfigInForce();
  });
});
