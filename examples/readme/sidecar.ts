// examples/readme/sidecar.ts
import { startSidecar } from '@slipstream/sidecar';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

async function main(): Promise<void> {
  const upstream = createServer((req, res) => res.end(`upstream got ${req.url}`));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  // As a process: `slipstream sidecar sidecar.yaml`, i.e. `process.exitCode = await runSidecar(['--config',
  // 'sidecar.yaml'])` (signals, reload, drain). Here programmatic, with the same sections as the file:
  const sidecar = await startSidecar({
    config: {
      log: { level: 'warn' },
      network: {
        clusters: [{ cluster: 'users', endpoints: [{ origin: `http://127.0.0.1:${port}` }] }],
        routes: [{ id: 'users', match: { path: '/users/' }, cluster: 'users' }],
      },
      sidecar: { listen: { port: 0 }, admin: { port: 0 } },
    },
  });
  const response = await fetch(`${sidecar.proxyUrl}/users/42`, {
    headers: { 'x-slipstream-priority': 'critical' },
  });
  console.log(`${response.status} ${await response.text()}`);
  console.log(`readiness: ${(await fetch(`${sidecar.adminUrl}/readyz`)).status}`);
  await sidecar.stop(); // drains: finishes what is in flight
  upstream.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
