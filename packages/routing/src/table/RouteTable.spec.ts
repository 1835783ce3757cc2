import { ConfigError } from '@slipstream/contracts';
import { FIXTURE_CLUSTERS, FIXTURE_ROUTES } from './fixtures';
import { RouteTable, type RouteRequest } from './RouteTable';

describe(RouteTable, () => {
  const table = RouteTable.compile(FIXTURE_ROUTES, { knownClusters: FIXTURE_CLUSTERS });

  describe('.match()', () => {
    const cases: [RouteRequest, string | undefined, string][] = [
      [{ method: 'GET', path: '/' }, 'root', 'default'],
      [{ method: 'GET', path: '/unknown/x' }, 'root', 'default'],
      [{ method: 'GET', path: '/api' }, 'api', 'legacy'],
      [{ method: 'GET', path: '/apis' }, 'root', 'default'],
      [{ method: 'GET', path: '/api/v3/x' }, 'api', 'legacy'],
      [{ method: 'GET', path: '/api/v2/other' }, 'api-v2', 'default'],
      [{ method: 'GET', path: '/api/v2/users' }, 'users-list', 'users'],
      [{ method: 'GET', path: '/api/v2/users?page=2' }, 'users-list', 'users'],
      [{ method: 'get', path: '/api/v2/users/42' }, 'user-by-id', 'users'],
      [{ method: 'GET', path: '/api/v2/users/42/orders' }, 'user-orders', 'orders'],
      [{ method: 'GET', path: '/api/v2/users/42/orders/7' }, 'user-order', 'orders'],
      [{ method: 'GET', path: '/api/v2/users/me' }, 'user-me', 'admin'],
      [{ method: 'POST', path: '/api/v2/users' }, 'user-create', 'admin'],
      [{ method: 'DELETE', path: '/api/v2/users/42' }, 'user-delete', 'admin'],
      [{ method: 'GET', path: '/api/v2/orders' }, 'orders', 'orders'],
      [{ method: 'GET', path: '/api/v2/orders/9' }, 'order-by-id', 'orders'],
      [{ method: 'PUT', path: '/api/v2/orders/9' }, 'order-write', 'payments'],
      [{ method: 'GET', path: '/api/v2/payments/3' }, 'payments', 'payments'],
      [{ method: 'POST', path: '/api/v2/payments/3/refund' }, 'payments-refund', 'payments'],
      [{ method: 'GET', path: '/api/v2/payments/3/refund' }, 'payments', 'payments'],
      [{ method: 'GET', path: '/api/v2/search' }, 'search', 'search'],
      [{ method: 'GET', path: '/api/v2/search', headers: { 'X-Canary': '1' } }, 'search-canary', 'legacy'],
      [
        { method: 'GET', path: '/api/v2/search', headers: { 'x-canary': ['0', '1'] } },
        'search-canary',
        'legacy',
      ],
      [{ method: 'GET', path: '/static/app.js' }, 'static', 'static'],
      [{ method: 'GET', path: '/assets/a.css' }, 'static-any', 'static'],
      [{ method: 'GET', path: '/assets/img/logo.png' }, 'static-img', 'static'],
      [{ method: 'GET', host: 'ADMIN.example.com:8443', path: '/x' }, 'admin-host', 'admin'],
      [{ method: 'GET', host: 'admin.example.com', path: '/api/v9' }, 'admin-host-api', 'admin'],
      [{ method: 'GET', host: 'admin.example.com.evil', path: '/x' }, 'root', 'default'],
      [{ method: 'GET', path: '/geo', headers: { 'x-region': 'eu' } }, 'region-eu', 'eu'],
      [{ method: 'GET', path: '/geo', headers: { 'x-region': 'us' } }, 'region-us', 'us'],
      [{ method: 'GET', path: '/geo' }, 'geo', 'eu'],
      [{ method: 'GET', path: '/files/b1/a/b' }, 'files', 'static'],
      [{ method: 'GET', path: '/files/public/a' }, 'files-public', 'default'],
      [{ method: 'GET', path: '/api/v1/anything/deep' }, 'v1-any', 'legacy'],
      [{ method: 'HEAD', path: '/health' }, 'health', 'default'],
      [{ method: 'POST', path: '/health' }, 'root', 'default'],
      [{ method: 'GET', path: '/acme/dashboard' }, 'tenant', 'admin'],
    ];

    it.each(cases)('resolves %j to route %s (cluster %s)', (req, id, cluster) => {
      const route = table.match(req);
      expect(route?.id).toBe(id);
      expect(route?.cluster).toBe(cluster);
    });

    it('when a pattern matches, captures its params decoded', () => {
      expect(table.match({ method: 'GET', path: '/api/v2/users/a%20b/orders/7' })?.params).toEqual({
        id: 'a b',
        orderId: '7',
      });
    });

    it('when a pattern ends in a rest wildcard or the path has a trailing slash, matches as before', () => {
      const t = RouteTable.compile([
        { id: 'files', match: { path: '/files/*' }, cluster: 'x' },
        { id: 'item', match: { path: '/items/:id' }, cluster: 'x' },
      ]);
      expect(t.match({ method: 'GET', path: '/files' })?.id).toBe('files');
      expect(t.match({ method: 'GET', path: '/files/a/b?x=1' })?.id).toBe('files');
      expect(t.match({ method: 'GET', path: '/items/7' })?.params).toEqual({ id: '7' });
      expect(t.match({ method: 'GET', path: '/items/7/' })).toBeUndefined();
      expect(t.match({ method: 'GET', path: '/items/' })).toBeUndefined();
      expect(t.match({ method: 'GET', path: '/itemsx/7' })).toBeUndefined();
    });

    it('when the method is lower case, matches the upper-case method index', () => {
      const t = RouteTable.compile([{ id: 'post', match: { method: 'POST', path: '/a' }, cluster: 'x' }]);
      expect(t.match({ method: 'post', path: '/a' })?.id).toBe('post');
      expect(t.match({ method: 'GET', path: '/a' })).toBeUndefined();
    });

    it('when the policy names no class, uses the default class', () => {
      expect(table.match({ method: 'GET', path: '/api/v2/users/1' })?.qosClass).toBe('critical');
      expect(table.match({ method: 'GET', path: '/api/v2/users' })?.qosClass).toBe('standard');
    });

    it('when no route matches, returns undefined', () => {
      const small = RouteTable.compile([{ id: 'a', match: { path: '/a' }, cluster: 'x' }]);
      expect(small.match({ method: 'GET', path: '/b' })).toBeUndefined();
    });

    it('when specificity ties, the route declared first wins', () => {
      const t = RouteTable.compile([
        { id: 'by-header', match: { path: '/x', headers: { a: '1' } }, cluster: 'one' },
        { id: 'by-method', match: { path: '/x', method: 'GET' }, cluster: 'two' },
      ]);
      expect(t.match({ method: 'GET', path: '/x/y', headers: { a: '1' } })?.id).toBe('by-header');
    });
  });

  describe('.requestsByRoute()', () => {
    it('counts the requests each route matched', () => {
      const t = RouteTable.compile([{ id: 'a', match: { path: '/a' }, cluster: 'x' }]);
      t.match({ method: 'GET', path: '/a/1' });
      t.match({ method: 'GET', path: '/a' });
      t.match({ method: 'GET', path: '/b' });
      expect(t.requestsByRoute()).toEqual({ a: 2 });
    });
  });

  describe('.compile()', () => {
    it('when the table is invalid, throws a ConfigError with every reason', () => {
      let error: unknown;
      try {
        RouteTable.compile(
          [
            { id: 'a', match: { path: '/a' }, cluster: 'nope' },
            { id: 'a', match: { path: 'b' }, cluster: 'users' },
          ],
          { knownClusters: FIXTURE_CLUSTERS },
        );
      } catch (e) {
        error = e;
      }
      expect(ConfigError.is(error)).toBe(true);
      expect((error as ConfigError).issues).toHaveLength(3);
    });

    it('returns a frozen table', () => {
      expect(Object.isFrozen(table)).toBe(true);
    });
  });
});
