import { ConfigError } from '@slipstream/contracts';
import { applyRoutingConfig } from './applyRoutingConfig';
import { QosScheduler } from './qos/QosScheduler';
import { Router } from './router/Router';

describe('applyRoutingConfig', () => {
  const setup = () => {
    const router = new Router({
      routes: [{ id: 'a', match: {}, cluster: 'one' }],
      knownClusters: () => ['one', 'two'],
    });
    return { router, scheduler: new QosScheduler() };
  };

  it('when the configuration is valid, applies routes and classes', () => {
    const { router, scheduler } = setup();
    applyRoutingConfig(router, scheduler, {
      routes: [{ id: 'b', match: {}, cluster: 'two', policy: { qosClass: 'gold' } }],
      classes: [
        { name: 'gold', priority: 0 },
        { name: 'standard', priority: 1 },
      ],
    });
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('two');
    expect(scheduler.classNames.sort()).toEqual(['gold', 'standard']);
  });

  it('when a route policy has an unknown key, refuses it with the nearest valid one and keeps the old table (regression: policy: { retry: 2 } was ignored)', () => {
    const { router, scheduler } = setup();
    expect(() =>
      applyRoutingConfig(router, scheduler, {
        routes: [{ id: 'b', match: {}, cluster: 'two', policy: { retry: 2 } as never }],
      }),
    ).toThrow('routes[0].policy.retry: expected a known key (did you mean "retryOn"?)');
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('one');
  });

  it('when the classes are invalid, applies neither routes nor classes', () => {
    const { router, scheduler } = setup();
    expect(() =>
      applyRoutingConfig(router, scheduler, {
        routes: [{ id: 'b', match: {}, cluster: 'two' }],
        classes: [{ name: 'standard', priority: NaN }],
      }),
    ).toThrow(ConfigError);
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('one');
    expect(scheduler.classNames).toEqual(['critical', 'standard', 'bulk']);
  });

  it('when adaptive concurrency is given, applies every field of it, rttTolerance and probeIntervalMs included', () => {
    const { router, scheduler } = setup();
    applyRoutingConfig(router, scheduler, {
      adaptiveConcurrency: {
        initialLimit: 8,
        minLimit: 2,
        maxLimit: 64,
        smoothing: 0.5,
        rttTolerance: 2.5,
        probeIntervalMs: 12_000,
      },
    });
    expect(scheduler.concurrencySettings).toMatchObject({
      enabled: true,
      initialLimit: 8,
      minLimit: 2,
      maxLimit: 64,
      smoothing: 0.5,
      rttTolerance: 2.5,
      probeIntervalMs: 12_000,
    });
  });

  it('when adaptive concurrency turns off, the limit is fixed at initialLimit', () => {
    const { router, scheduler } = setup();
    applyRoutingConfig(router, scheduler, { adaptiveConcurrency: { enabled: false, initialLimit: 3 } });
    expect(scheduler.concurrencySettings).toMatchObject({ enabled: false, initialLimit: 3 });
  });

  it('when adaptive concurrency is invalid, applies neither it nor the routes', () => {
    const { router, scheduler } = setup();
    expect(() =>
      applyRoutingConfig(router, scheduler, {
        routes: [{ id: 'b', match: {}, cluster: 'two' }],
        adaptiveConcurrency: { rttTolerance: 0.5 },
      }),
    ).toThrow(/adaptiveConcurrency\.rttTolerance/);
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('one');
    expect(scheduler.concurrencySettings.rttTolerance).toBe(1.5);
  });
});
