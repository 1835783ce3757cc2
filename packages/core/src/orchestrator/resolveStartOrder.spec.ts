import type { Agent } from '@slipstream/contracts';
import { resolveStartOrder } from './resolveStartOrder';

const agent = (id: string, dependsOn?: string[]): Agent => ({
  id,
  role: 'r',
  capabilities: [],
  dependsOn,
  start: () => Promise.resolve(),
  stop: () => Promise.resolve(),
  health: () => ({ live: true, ready: true }),
});

describe(resolveStartOrder, () => {
  it('when nothing depends on anything, keeps the registration order', () => {
    expect(resolveStartOrder([agent('a'), agent('b')]).map((a) => a.id)).toEqual(['a', 'b']);
  });

  it('puts a shared dependency first once (diamond)', () => {
    const order = resolveStartOrder([
      agent('top', ['l', 'r']),
      agent('l', ['base']),
      agent('r', ['base']),
      agent('base'),
    ]);
    expect(order.map((a) => a.id)).toEqual(['base', 'l', 'r', 'top']);
  });

  it('when an agent depends on itself, names the cycle', () => {
    expect(() => resolveStartOrder([agent('a', ['a'])])).toThrow('dependency cycle: a -> a');
  });
});
