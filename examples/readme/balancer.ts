// examples/readme/balancer.ts
import { ClusterManager, HealthChecker } from '@slipstream/balancer';

const manager = new ClusterManager(new HealthChecker()); // an EventBus as 2nd argument gets ejection events
const cluster = manager.configure({
  cluster: 'api',
  endpoints: [{ origin: 'http://10.0.0.1:8080' }, { origin: 'http://10.0.0.2:8080' }],
  algorithm: 'round-robin',
  // healthCheck: { path: '/healthz', intervalMs: 5_000 }, // active checks; without it, none
  outlierDetection: { consecutiveFailures: 5, baseEjectionMs: 30_000 },
  sticky: { source: 'header', name: 'x-session' },
});

// Per request: pick, then report how it went (the estimates and ejections learn from it).
const headers = { 'x-session': 'user-42' };
const endpoint = cluster.pick({ headers });
cluster.onStart(endpoint);
cluster.onEnd(endpoint, { rttMs: 12, effect: 'success' });
console.log(`sent to ${endpoint.origin}; again: ${cluster.pick({ headers }).origin}`); // sticky
manager.close();
