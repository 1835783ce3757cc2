import type { RouteConfig } from '@slipstream/contracts';

/** Clusters the fixture table points at. */
export const FIXTURE_CLUSTERS = [
  'users',
  'orders',
  'search',
  'static',
  'admin',
  'payments',
  'legacy',
  'eu',
  'us',
  'default',
];

/**
 * A 30-route table (the design brief asks for ≥ 25) mixing exact paths, patterns, prefixes of
 * several lengths, and method, host and header constraints; each route sends to a cluster
 * named so that tests can tell which route won.
 */
export const FIXTURE_ROUTES: RouteConfig[] = [
  { id: 'root', match: { path: '/' }, cluster: 'default' },
  { id: 'api', match: { path: '/api' }, cluster: 'legacy' },
  { id: 'api-v2', match: { path: '/api/v2' }, cluster: 'default' },
  { id: 'users-list', match: { path: '/api/v2/users' }, cluster: 'users' },
  {
    id: 'user-by-id',
    match: { path: '/api/v2/users/:id' },
    cluster: 'users',
    policy: { qosClass: 'critical' },
  },
  { id: 'user-orders', match: { path: '/api/v2/users/:id/orders' }, cluster: 'orders' },
  { id: 'user-order', match: { path: '/api/v2/users/:id/orders/:orderId' }, cluster: 'orders' },
  { id: 'user-me', match: { path: '/api/v2/users/me' }, cluster: 'admin' },
  { id: 'user-create', match: { method: 'POST', path: '/api/v2/users' }, cluster: 'admin' },
  { id: 'user-delete', match: { method: 'DELETE', path: '/api/v2/users/:id' }, cluster: 'admin' },
  { id: 'orders', match: { path: '/api/v2/orders' }, cluster: 'orders' },
  { id: 'order-by-id', match: { path: '/api/v2/orders/:id' }, cluster: 'orders' },
  { id: 'order-write', match: { method: ['POST', 'PUT'], path: '/api/v2/orders/:id' }, cluster: 'payments' },
  {
    id: 'payments',
    match: { path: '/api/v2/payments' },
    cluster: 'payments',
    policy: { qosClass: 'critical' },
  },
  {
    id: 'payments-refund',
    match: { method: 'POST', path: '/api/v2/payments/:id/refund' },
    cluster: 'payments',
  },
  { id: 'search', match: { path: '/api/v2/search' }, cluster: 'search', policy: { qosClass: 'bulk' } },
  { id: 'search-canary', match: { path: '/api/v2/search', headers: { 'x-canary': '1' } }, cluster: 'legacy' },
  { id: 'static', match: { path: '/static' }, cluster: 'static', policy: { qosClass: 'bulk' } },
  { id: 'static-any', match: { path: '/assets/*' }, cluster: 'static' },
  { id: 'static-img', match: { path: '/assets/img/*' }, cluster: 'static' },
  { id: 'admin-host', match: { host: 'admin.example.com' }, cluster: 'admin' },
  { id: 'admin-host-api', match: { host: 'admin.example.com', path: '/api' }, cluster: 'admin' },
  { id: 'region-eu', match: { path: '/geo', headers: { 'x-region': 'eu' } }, cluster: 'eu' },
  { id: 'region-us', match: { path: '/geo', headers: { 'x-region': 'us' } }, cluster: 'us' },
  { id: 'geo', match: { path: '/geo' }, cluster: ['eu', 'us'] },
  { id: 'files', match: { path: '/files/:bucket/*' }, cluster: 'static' },
  { id: 'files-public', match: { path: '/files/public/*' }, cluster: 'default' },
  { id: 'v1-any', match: { path: '/api/v1/*' }, cluster: 'legacy' },
  { id: 'health', match: { method: ['GET', 'HEAD'], path: '/health' }, cluster: 'default' },
  { id: 'tenant', match: { path: '/:tenant/dashboard' }, cluster: 'admin' },
];
