import { TOKENS } from '@slipstream/contracts';
import { Container } from 'inversify';
import type { QosScheduler } from './qos/QosScheduler';
import { Router } from './router/Router';
import { routingModule } from './RoutingModule';
import { ROUTING_TOKENS } from './routingTokens';

describe('routingModule', () => {
  it('binds the router and scheduler as singletons, with optional options and bus', async () => {
    const container = new Container();
    await container.load(routingModule);
    expect(container.get(TOKENS.Router)).toBeInstanceOf(Router);
    expect(container.get(TOKENS.QosScheduler)).toBe(container.get(TOKENS.QosScheduler));
  });

  it('when options and a bus are bound, uses them', async () => {
    const container = new Container();
    const publish = jest.fn(() => Promise.resolve());
    container.bind(TOKENS.EventBus).toConstantValue({ publish });
    container
      .bind(ROUTING_TOKENS.RouterOptions)
      .toConstantValue({ routes: [{ id: 'a', match: {}, cluster: 'x' }] });
    container
      .bind(ROUTING_TOKENS.QosSchedulerOptions)
      .toConstantValue({ classes: [{ name: 'standard', priority: 0 }] });
    await container.load(routingModule);
    expect(container.get<Router>(TOKENS.Router).resolve({ method: 'GET', path: '/' })?.cluster).toBe('x');
    expect(container.get<QosScheduler>(TOKENS.QosScheduler).classNames).toEqual(['standard']);
  });
});
