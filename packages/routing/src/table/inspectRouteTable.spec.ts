import type { RouteConfig } from '@slipstream/contracts';
import { FIXTURE_CLUSTERS, FIXTURE_ROUTES } from './fixtures';
import { inspectRouteTable } from './inspectRouteTable';

/** Every reason the table is invalid, one line each as `ConfigError` prints it. */
const validateRouteTable = (
  routes: readonly RouteConfig[],
  knownClusters?: Iterable<string>,
  qosClasses?: Iterable<string>,
): string[] =>
  inspectRouteTable(routes, { knownClusters, qosClasses }).issues.map(
    (i) => `${i.path}: expected ${i.expected}, received ${i.received}`,
  );

const route = (
  id: string,
  match: RouteConfig['match'],
  cluster: RouteConfig['cluster'] = 'users',
): RouteConfig => ({
  id,
  match,
  cluster,
});

describe(inspectRouteTable, () => {
  it('when the table is valid, returns no reason', () => {
    expect(validateRouteTable(FIXTURE_ROUTES, FIXTURE_CLUSTERS)).toEqual([]);
  });

  it('when a route points at an unknown cluster, names the route and the cluster', () => {
    const [reason] = validateRouteTable([route('r1', { path: '/a' }, ['users', 'mars'])], FIXTURE_CLUSTERS);
    expect(reason).toMatch(/routes\[0\]\.cluster: .*unknown "mars" \(route "r1"\)/);
  });

  it('when ids repeat, names the duplicate', () => {
    expect(validateRouteTable([route('r', { path: '/a' }), route('r', { path: '/b' })])).toEqual([
      expect.stringMatching(/routes\[1\]\.id: expected a unique id, received a duplicate of routes\[0\]/),
    ]);
  });

  it.each([
    ['no leading slash', 'users'],
    ['an empty param name', '/users/:'],
    ['a repeated param', '/a/:id/:id'],
    ['a star inside a segment', '/a/b*'],
    ['an empty segment', '/a//:id'],
  ])('when a path has %s, rejects it', (_what, path) => {
    expect(validateRouteTable([route('bad', { path })])).toEqual([
      expect.stringMatching(/^routes\[0\]\.match\.path: /),
    ]);
  });

  it('when a method list is empty or a method is not a name, names the field (the schema)', () => {
    expect(validateRouteTable([route('m', { method: [] })])[0]).toMatch(/^routes\[0\]\.match\.method/);
    expect(validateRouteTable([route('m', { method: 'GE T' })])[0]).toMatch(/^routes\[0\]\.match\.method/);
  });

  it.each<[string, RouteConfig['match'], RouteConfig['match']]>([
    ['the same prefix', { path: '/a' }, { path: '/a' }],
    ['a pattern with other param names', { path: '/u/:id' }, { path: '/u/:uid' }],
    ['an equally specific wider pattern', { path: '/u/:id/*' }, { path: '/u/*/*' }],
    ['a superset of methods', { path: '/a', method: ['GET', 'POST'] }, { path: '/a', method: 'get' }],
  ])('when a route is shadowed by %s, names both', (_what, first, second) => {
    const reasons = validateRouteTable([route('first', first), route('second', second)]);
    expect(reasons).toEqual([expect.stringMatching(/routes\[1\].*"second" shadowed by route "first"/)]);
  });

  it.each<[string, RouteConfig['match'], RouteConfig['match']]>([
    ['a longer prefix', { path: '/a' }, { path: '/a/b' }],
    ['a more constrained route', { path: '/a' }, { path: '/a', headers: { x: '1' } }],
    ['a pattern with more literals', { path: '/u/:id' }, { path: '/u/me' }],
    ['a one-segment param under a rest wildcard', { path: '/u/*' }, { path: '/u/:id' }],
  ])('when a later route is %s, it is not shadowed', (_what, first, second) => {
    expect(validateRouteTable([route('first', first), route('second', second)])).toEqual([]);
  });

  it('when a route has a bad rate limit or unknown class, names the field', () => {
    const reasons = validateRouteTable(
      [
        { id: 'p', match: { path: '/p' }, cluster: 'users', policy: { qosClass: 'gold' } },
        {
          id: 'q',
          match: { path: '/q' },
          cluster: 'users',
          policy: { rateLimit: { ratePerSec: 0, burst: 1 } },
        },
      ],
      FIXTURE_CLUSTERS,
      ['critical', 'standard', 'bulk'],
    );
    expect(reasons).toEqual([
      expect.stringMatching(/^routes\[0\]\.policy\.qosClass: .*unknown "gold"/),
      expect.stringMatching(/^routes\[1\]\.policy\.rateLimit\.ratePerSec: expected number > 0/),
    ]);
  });
});
