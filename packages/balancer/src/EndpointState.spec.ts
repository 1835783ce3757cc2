import { EndpointState } from './EndpointState';

describe(EndpointState, () => {
  describe('.end()', () => {
    it('when a slower sample arrives, the estimate jumps to it (peak)', () => {
      const e = new EndpointState('http://a:1');
      e.end({ rttMs: 10, effect: 'success' }, 0);
      e.end({ rttMs: 200, effect: 'success' }, 1);
      expect(e.ewmaMs(1)).toBeCloseTo(200, 0);
    });

    it('when faster samples follow, the estimate decays with τ = 10 s', () => {
      const e = new EndpointState('http://a:1');
      e.end({ rttMs: 100, effect: 'success' }, 0);
      e.end({ rttMs: 0, effect: 'success' }, 10_000);
      expect(e.ewmaMs(10_000)).toBeCloseTo(100 * Math.exp(-1), 3);
    });

    it('when a failure comes back fast, counts it as the 1 000 ms penalty', () => {
      const e = new EndpointState('http://a:1');
      e.end({ rttMs: 2, effect: 'failure' }, 0);
      expect(e.ewmaMs(0)).toBe(1_000);
      expect(e.failures).toBe(1);
    });

    it('when the outcome is ignored (local rejection, cancellation), learns nothing', () => {
      const e = new EndpointState('http://a:1');
      e.start();
      e.end({ rttMs: 2, effect: 'ignore' }, 0);
      expect(e.ewmaMs(0)).toBe(0);
      expect(e).toMatchObject({ failures: 0, inflight: 0 });
    });

    it('when the caller aborted, it is neither a failure nor a success', () => {
      const e = new EndpointState('http://a:1');
      e.start();
      e.end({ rttMs: 5, effect: 'failure' }, 0);
      e.end({ rttMs: 5, effect: 'ignore' }, 0);
      expect(e).toMatchObject({ failures: 1, consecutiveFailures: 1, inflight: 0 });
    });
  });

  describe('.recover()', () => {
    it('when an endpoint carries the failure penalty, replaces the estimate with the seed and clears the failure streak', () => {
      const e = new EndpointState('http://a:1');
      e.end({ rttMs: 1, effect: 'failure' }, 0);
      e.recover(500, 12);
      expect(e.ewmaMs(500)).toBe(12);
      expect(e).toMatchObject({ recoveredAt: 500, consecutiveFailures: 0, failures: 1 });
    });
  });

  describe('.stats()', () => {
    it('reports share of the cluster requests', () => {
      const e = new EndpointState('http://a:1', { weight: 2, tier: 1 });
      e.start();
      expect(e.stats(0, 4)).toMatchObject({
        origin: 'http://a:1',
        weight: 2,
        tier: 1,
        requests: 1,
        share: 0.25,
      });
    });
  });
});
