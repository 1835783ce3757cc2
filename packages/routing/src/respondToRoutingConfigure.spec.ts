import {
  ConfigError,
  type AdvancedRoutingConfig,
  type AdvancedRoutingResult,
  type EventBus,
} from '@slipstream/contracts';
import { QosScheduler } from './qos/QosScheduler';
import { applyRoutingConfig, respondToRoutingConfigure } from './respondToRoutingConfigure';
import { Router } from './router/Router';

describe('respondToRoutingConfigure', () => {
  const setup = () => {
    const router = new Router({
      routes: [{ id: 'a', match: {}, cluster: 'one' }],
      knownClusters: () => ['one', 'two'],
    });
    const scheduler = new QosScheduler();
    let responder: ((config: AdvancedRoutingConfig) => AdvancedRoutingResult) | undefined;
    const bus = {
      respond: jest.fn((_topic: string, fn: typeof responder) => {
        responder = fn;
        return () => undefined;
      }),
    } as unknown as EventBus;
    respondToRoutingConfigure(bus, router, scheduler);
    return { router, scheduler, call: (c: AdvancedRoutingConfig) => responder!(c) };
  };

  it('when the configuration is valid, applies routes and classes and replies with measured stats', () => {
    const { router, scheduler, call } = setup();
    const reply = call({
      routes: [{ id: 'b', match: {}, cluster: 'two', policy: { qosClass: 'gold' } }],
      classes: [
        { name: 'gold', priority: 0 },
        { name: 'standard', priority: 1 },
      ],
    });
    expect(reply.stats).toMatchObject({ routes: 1, requestsByRoute: {} });
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('two');
    expect(scheduler.classNames.sort()).toEqual(['gold', 'standard']);
  });

  it('when the classes are invalid, applies neither routes nor classes', () => {
    const { router, scheduler, call } = setup();
    expect(() =>
      call({
        routes: [{ id: 'b', match: {}, cluster: 'two' }],
        classes: [{ name: 'standard', priority: NaN }],
      }),
    ).toThrow(ConfigError);
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('one');
    expect(scheduler.classNames).toEqual(['critical', 'standard', 'bulk']);
  });

  it('when adaptive concurrency is given, applies it at run time', () => {
    const { router, scheduler } = setup();
    applyRoutingConfig(router, scheduler, { adaptiveConcurrency: { minLimit: 2, smoothing: 0.5 } });
    expect(scheduler.concurrencySettings).toMatchObject({ enabled: true, minLimit: 2, smoothing: 0.5 });
  });

  it('when adaptive concurrency is invalid, applies neither it nor the routes', () => {
    const { router, scheduler } = setup();
    expect(() =>
      applyRoutingConfig(router, scheduler, {
        routes: [{ id: 'b', match: {}, cluster: 'two' }],
        adaptiveConcurrency: { smoothing: 2 },
      }),
    ).toThrow(/adaptiveConcurrency\.smoothing/);
    expect(router.resolve({ method: 'GET', path: '/' })?.cluster).toBe('one');
    expect(scheduler.concurrencySettings.smoothing).toBe(0.2);
  });
});
