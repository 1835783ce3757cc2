import { HostGuard } from './HostGuard';

describe(HostGuard, () => {
  const guard = new HostGuard();
  guard.listeningOn(15_001);
  guard.setRoutes([
    { id: 'any-port', match: { host: 'svc.local' }, cluster: 'a' },
    { id: 'one-port', match: { host: 'api.local:8080' }, cluster: 'a' },
    { id: 'no-host', match: { path: '/' }, cluster: 'a' },
  ]);

  it.each([
    '127.0.0.1:15001',
    'localhost:15001',
    '[::1]:15001',
    'SVC.local',
    'svc.local:9',
    'api.local:8080',
  ])('serves %s', (host) => expect(guard.allows(host)).toBe(true));

  it.each(['127.0.0.1:15002', '127.0.0.1', 'evil.example', 'api.local', 'api.local:9', 'svc.local.evil'])(
    'refuses %s',
    (host) => expect(guard.allows(host)).toBe(false),
  );
});
