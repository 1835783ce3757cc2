import { ConfigError } from '@slipstream/contracts';
import { AdaptiveClusterChooser } from './AdaptiveClusterChooser';

/** A deterministic pseudo-random generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a simulated cluster answers: mean latency (ms, ±20 % noise) and error probability. */
type Behaviour = Record<string, { latencyMs: number; errorRate: number }>;

describe(AdaptiveClusterChooser, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /**
   * Sends `count` requests, one every `gapMs` of fake time, through the chooser to clusters
   * behaving as `behaviour` says; returns the share each cluster got.
   */
  function drive(
    chooser: AdaptiveClusterChooser,
    behaviour: Behaviour,
    count: number,
    random: () => number,
    gapMs = 10,
  ) {
    const counts: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      jest.advanceTimersByTime(gapMs);
      const cluster = chooser.choose();
      counts[cluster] = (counts[cluster] ?? 0) + 1;
      const b = behaviour[cluster]!;
      chooser.record(cluster, {
        latencyMs: b.latencyMs * (0.8 + 0.4 * random()),
        error: random() < b.errorRate,
      });
    }
    return (cluster: string): number => (counts[cluster] ?? 0) / count;
  }

  describe('constructor', () => {
    it('when options are out of range, throws a ConfigError', () => {
      expect(() => new AdaptiveClusterChooser([], { probeRatio: 0.9 })).toThrow(ConfigError);
    });
  });

  describe('.choose()', () => {
    it('when the primary slows down, moves ≥ 90 % of traffic within the hold time and back after recovery', () => {
      const changes: { from: string; to: string }[] = [];
      const chooser = new AdaptiveClusterChooser(['primary', 'fallback'], {
        holdMs: 2_000,
        onChange: (c) => changes.push(c),
      });
      const random = prng(7);
      const healthy: Behaviour = {
        primary: { latencyMs: 10, errorRate: 0 },
        fallback: { latencyMs: 30, errorRate: 0 },
      };
      expect(drive(chooser, healthy, 1_000, random)('primary')).toBeGreaterThanOrEqual(0.9);

      const slow: Behaviour = { ...healthy, primary: { latencyMs: 100, errorRate: 0 } };
      // Bounded: within 300 requests × 10 ms = 3 s (hold 2 s + EWMA settling), it has switched...
      drive(chooser, slow, 300, random);
      expect(chooser.active).toBe('fallback');
      // ...and from then on ≥ 90 % goes to the fallback.
      expect(drive(chooser, slow, 1_000, random)('fallback')).toBeGreaterThanOrEqual(0.9);

      drive(chooser, healthy, 600, random);
      expect(chooser.active).toBe('primary');
      expect(drive(chooser, healthy, 1_000, random)('primary')).toBeGreaterThanOrEqual(0.9);
      expect(changes.map((c) => c.to)).toEqual(['fallback', 'primary']);
    });

    it('when the primary errors, moves away from it', () => {
      const chooser = new AdaptiveClusterChooser(['primary', 'fallback'], { holdMs: 1_000 });
      const random = prng(3);
      drive(
        chooser,
        { primary: { latencyMs: 10, errorRate: 0 }, fallback: { latencyMs: 30, errorRate: 0 } },
        500,
        random,
      );
      const failing: Behaviour = {
        primary: { latencyMs: 10, errorRate: 0.5 },
        fallback: { latencyMs: 30, errorRate: 0 },
      };
      drive(chooser, failing, 300, random);
      expect(chooser.active).toBe('fallback');
    });

    it('when scores are close and noisy, does not flap', () => {
      const onChange = jest.fn();
      const chooser = new AdaptiveClusterChooser(['a', 'b', 'c'], { holdMs: 1_000, onChange });
      const random = prng(11);
      const noisy: Behaviour = {
        a: { latencyMs: 20, errorRate: 0.01 },
        b: { latencyMs: 19, errorRate: 0.01 },
        c: { latencyMs: 21, errorRate: 0 },
      };
      expect(drive(chooser, noisy, 5_000, random)('a')).toBeGreaterThanOrEqual(0.9);
      expect(onChange).not.toHaveBeenCalled();
    });

    it('when a candidate is better only briefly, stays', () => {
      const chooser = new AdaptiveClusterChooser(['primary', 'fallback'], { holdMs: 2_000 });
      const random = prng(5);
      const healthy: Behaviour = {
        primary: { latencyMs: 10, errorRate: 0 },
        fallback: { latencyMs: 30, errorRate: 0 },
      };
      drive(chooser, healthy, 500, random);
      drive(chooser, { ...healthy, primary: { latencyMs: 200, errorRate: 0 } }, 100, random);
      drive(chooser, healthy, 500, random);
      expect(chooser.active).toBe('primary');
    });

    it('with one cluster, always returns it', () => {
      const chooser = new AdaptiveClusterChooser(['only']);
      expect(chooser.choose()).toBe('only');
    });
  });

  describe('.chooseIndex()', () => {
    it('returns the index of the cluster `choose()` would', () => {
      const a = new AdaptiveClusterChooser(['eu', 'us', 'ap'], { probeRatio: 0.5 });
      const b = new AdaptiveClusterChooser(['eu', 'us', 'ap'], { probeRatio: 0.5 });
      for (let i = 0; i < 6; i++) expect(a.clusters[a.chooseIndex()]).toBe(b.choose());
    });
  });

  describe('.record()', () => {
    it('when no cluster beats the active one, does not read the clock', () => {
      const clock = jest.fn(() => 0);
      const chooser = new AdaptiveClusterChooser(['eu', 'us'], { clock, minSamples: 1, alpha: 1 });
      for (let i = 0; i < 20; i++) chooser.record('eu', { latencyMs: 10 });
      chooser.record('us', { latencyMs: 50 });
      expect(clock).not.toHaveBeenCalled();
      chooser.record('us', { latencyMs: 1 }); // now a candidate: its hold time starts
      expect(clock).toHaveBeenCalledTimes(1);
    });
  });

  describe('.stats()', () => {
    it('reports the measured EWMAs and score', () => {
      const chooser = new AdaptiveClusterChooser(['a'], { alpha: 0.5, errorPenalty: 10 });
      chooser.record('a', { latencyMs: 10 });
      chooser.record('a', { latencyMs: 20, error: true });
      expect(chooser.stats()).toEqual([
        { cluster: 'a', latencyMs: 15, errorRate: 0.5, samples: 2, score: 90 },
      ]);
    });
  });
});
