import { EndpointState } from './EndpointState';
import { StickyAffinity } from './StickyAffinity';

describe(StickyAffinity, () => {
  const a = new EndpointState('http://a:1');
  const b = new EndpointState('http://b:1');

  describe('.bind()', () => {
    it('when the table is full, drops the least recently used key', () => {
      const table = new StickyAffinity(2);
      table.bind('k1', a);
      table.bind('k2', b);
      expect(table.lookup('k1', [a, b])).toBe(a);
      table.bind('k3', b);
      expect(table.size).toBe(2);
      expect(table.lookup('k2', [a, b])).toBeUndefined();
      expect(table.lookup('k1', [a, b])).toBe(a);
    });
  });

  describe('.lookup()', () => {
    it('when the bound endpoint is not a candidate, returns nothing', () => {
      const table = new StickyAffinity();
      table.bind('k', a);
      expect(table.lookup('k', [b])).toBeUndefined();
      table.forget(a);
      expect(table.size).toBe(0);
    });
  });
});
