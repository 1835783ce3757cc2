// examples/readme/routing.ts
import { applyRoutingConfig, QosScheduler, Router } from '@slipstream/routing';

/** Stands in for the rest of the pipeline (retry → balancer → breaker → pool). */
async function send(cluster: string): Promise<string> {
  return Promise.resolve(`answered by ${cluster}`);
}

async function main(): Promise<void> {
  const router = new Router({
    routes: [{ id: 'users', match: { path: '/users/' }, cluster: 'users', policy: { qosClass: 'critical' } }],
    knownClusters: () => ['users', 'users-v2'],
  }); // an EventBus as 2nd argument gets route events
  const scheduler = new QosScheduler({});

  const route = router.resolve({ method: 'GET', path: '/users/42' }); // a snapshot: survives reloads
  if (!route) throw new Error('no route');
  const permit = await scheduler.acquire(route.cluster, route.qosClass, { bucket: route.bucket });
  const start = performance.now();
  try {
    console.log(await send(route.cluster));
    permit.release({ rttMs: performance.now() - start });
    router.record(route, { latencyMs: performance.now() - start });
  } catch (err) {
    const rttMs = performance.now() - start;
    permit.release({ rttMs, dropped: true }); // an overload signal: timeouts, 503, refused
    router.record(route, { latencyMs: rttMs, error: true });
    throw err;
  }

  // A new table: a ConfigError with every reason, or all of it applied (the old one serves till then).
  applyRoutingConfig(router, scheduler, {
    routes: [{ id: 'users', match: { path: '/users/' }, cluster: ['users', 'users-v2'] }],
  });
  console.log(`now routed to ${router.resolve({ method: 'GET', path: '/users/42' })?.clusters.join(' or ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
