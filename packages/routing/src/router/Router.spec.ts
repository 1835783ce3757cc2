import { ConfigError } from '@slipstream/contracts';
import { FIXTURE_CLUSTERS, FIXTURE_ROUTES } from '../table/fixtures';
import { Router } from './Router';

describe(Router, () => {
  const newRouter = (publish = jest.fn(() => Promise.resolve())): Router =>
    new Router(
      { routes: FIXTURE_ROUTES, knownClusters: () => FIXTURE_CLUSTERS, chooser: { holdMs: 1_000 } },
      { publish },
    );

  describe('.resolve()', () => {
    it('resolves requests through the current table and counts them per route', () => {
      const router = newRouter();
      expect(router.resolve({ method: 'GET', path: '/api/v2/users/1' })?.cluster).toBe('users');
      router.resolve({ method: 'GET', path: '/api/v2/users/2' });
      expect(router.stats()).toMatchObject({
        routes: FIXTURE_ROUTES.length,
        requestsByRoute: { 'user-by-id': 2 },
      });
    });

    it('when the route has no params, hands out the same frozen route every time (no per-request allocation)', () => {
      const router = newRouter();
      const a = router.resolve({ method: 'GET', path: '/api/v2/users' });
      expect(a).toBeDefined();
      expect(Object.isFrozen(a)).toBe(true);
      expect(router.resolve({ method: 'GET', path: '/api/v2/users' })).toBe(a);
    });

    it('when the table is replaced, keeps the counts of the old one', () => {
      const router = newRouter();
      router.resolve({ method: 'GET', path: '/api/v2/users/1' });
      router.replace(FIXTURE_ROUTES);
      router.resolve({ method: 'GET', path: '/api/v2/users/2' });
      expect(router.stats().requestsByRoute).toMatchObject({ 'user-by-id': 2 });
    });

    it("when the route has several clusters, sends to the chooser's pick with the route otherwise unchanged", () => {
      const router = new Router({
        routes: [{ id: 'geo', match: { path: '/geo/' }, cluster: ['eu', 'us'], policy: { retries: 1 } }],
        chooser: { probeRatio: 0.5 },
      });
      const picks = [0, 1, 2, 3].map(() => router.resolve({ method: 'GET', path: '/geo/x' })!);
      expect(picks.map((r) => r.cluster)).toEqual(['eu', 'us', 'eu', 'us']);
      expect(picks[1]).toMatchObject({ id: 'geo', clusters: ['eu', 'us'], policy: { retries: 1 } });
      expect(picks[2]).toBe(picks[0]);
      expect(router.stats().requestsByRoute).toEqual({ geo: 4 });
    });
  });

  describe('.replace()', () => {
    it('when the new table is invalid, throws every reason and keeps serving the old one', () => {
      const router = newRouter();
      const before = router.table;
      let error: unknown;
      try {
        router.replace([
          { id: 'x', match: { path: '/x' }, cluster: 'mars' },
          { id: 'x', match: { path: '/y' }, cluster: 'users', policy: { qosClass: 'gold' } },
        ]);
      } catch (e) {
        error = e;
      }
      expect(ConfigError.is(error)).toBe(true);
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        'routes[0].cluster',
        'routes[1].id',
        'routes[1].policy.qosClass',
      ]);
      expect(router.table).toBe(before);
      expect(router.resolve({ method: 'GET', path: '/api/v2/orders' })?.cluster).toBe('orders');
    });

    it('when valid, serves the new table while requests in flight keep the route they started with', () => {
      const router = newRouter();
      const inflight = router.resolve({ method: 'GET', path: '/api/v2/search' })!;
      router.replace([{ id: 'all', match: { path: '/' }, cluster: 'legacy', policy: { timeoutMs: 5 } }]);
      expect(router.resolve({ method: 'GET', path: '/api/v2/search' })).toMatchObject({
        id: 'all',
        cluster: 'legacy',
        tableVersion: 2,
      });
      expect(inflight).toMatchObject({ id: 'search', cluster: 'search', qosClass: 'bulk', tableVersion: 1 });
      expect(Object.isFrozen(inflight)).toBe(true);
    });

    it('when the classes change, validates policies against the new ones', () => {
      const router = newRouter();
      expect(() => router.replace(FIXTURE_ROUTES, [{ name: 'standard', priority: 0 }])).toThrow(
        /unknown "critical"/,
      );
      router.replace(
        [{ id: 'a', match: {}, cluster: 'users', policy: { qosClass: 'gold' } }],
        [
          { name: 'standard', priority: 1 },
          { name: 'gold', priority: 0 },
        ],
      );
      expect(router.resolve({ method: 'GET', path: '/' })?.qosClass).toBe('gold');
    });

    it('when the default class changes, routes without a class take it; an unknown one is refused and the old stays', () => {
      const router = newRouter();
      const plain = [{ id: 'a', match: {}, cluster: 'users' }];
      router.apply(router.validate(plain, undefined, 'bulk'));
      expect(router.table.defaultQosClass).toBe('bulk');
      expect(router.resolve({ method: 'GET', path: '/' })?.qosClass).toBe('bulk');
      expect(() => router.validate(plain, undefined, 'gold')).toThrow(/a class named "gold"/);
      expect(router.table.defaultQosClass).toBe('bulk');
      // A later reload that names no default keeps the one in force.
      router.replace(plain);
      expect(router.table.defaultQosClass).toBe('bulk');
    });
  });

  describe('.record()', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('when the primary of a route with alternatives slows down, moves to the other and publishes the change', () => {
      const publish = jest.fn(() => Promise.resolve());
      const router = newRouter(publish);
      const latency: Record<string, number> = { eu: 10, us: 30 };
      const send = (n: number): void => {
        for (let i = 0; i < n; i++) {
          jest.advanceTimersByTime(10);
          const route = router.resolve({ method: 'GET', path: '/geo' })!;
          router.record(route, { latencyMs: latency[route.cluster]! });
        }
      };
      send(300);
      expect(router.stats().activeClusters).toEqual({ geo: 'eu' });
      latency.eu = 200;
      send(300);
      expect(router.stats().activeClusters).toEqual({ geo: 'us' });
      expect(publish).toHaveBeenCalledWith(
        'network.route.changed',
        expect.objectContaining({ route: 'geo', from: 'eu', to: 'us' }),
      );

      // A reload that keeps the route and its clusters keeps the measured choice.
      router.replace(FIXTURE_ROUTES);
      expect(router.stats().activeClusters).toEqual({ geo: 'us' });
    });
  });
});
