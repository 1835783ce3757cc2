import type { ClusterStats } from '@slipstream/contracts';
import { balancedCluster, metrics, settings, snapshot } from '../test/snapshots';
import { lbOutlierRule } from './lbOutlierRule';
import type { Observation } from './OptimizerRule';

/** A snapshot with these clusters' balancer state, `api` at p99 80 ms and `web` at p99 30 ms, 100 requests each. */
function observe(balancing: ClusterStats[] | undefined): Observation {
  const clusters = {
    api: { metrics: metrics({ latencyP99: 80, requests: 100 }), health: snapshot().health },
    web: { metrics: metrics({ latencyP99: 30, requests: 100 }), health: snapshot().health },
  };
  return { snapshot: balancing ? snapshot({ clusters, balancing }) : snapshot({ clusters }) };
}

describe(lbOutlierRule, () => {
  const rule = lbOutlierRule({ outlierFactor: 3 });

  describe('.propose()', () => {
    it('when an endpoint of a cluster off P2C is an outlier, switches that cluster to P2C', () => {
      const obs = observe([
        balancedCluster('web', 'round-robin', [10, 11]),
        balancedCluster('api', 'round-robin', [10, 12, 100]),
      ]);
      expect(rule.propose(obs, settings())).toMatchObject({
        command: 'network.balancing.configure',
        change: { cluster: 'api', algorithm: 'p2c-peak-ewma' },
        previous: { cluster: 'api', algorithm: 'round-robin' },
        metric: 'clusterLatencyP99',
        before: 80,
      });
    });

    it('when no endpoint is an outlier, the cluster is on P2C or has one endpoint, does not trigger', () => {
      expect(rule.propose(observe([balancedCluster('api', 'round-robin', [10, 12, 30])]), settings())).toBe(
        undefined,
      );
      expect(
        rule.propose(observe([balancedCluster('api', 'p2c-peak-ewma', [10, 12, 100])]), settings()),
      ).toBe(undefined);
      expect(rule.propose(observe([balancedCluster('api', 'random', [100])]), settings())).toBeUndefined();
    });

    it('when the outlier cluster carried no requests in the window (stale estimates), does not trigger', () => {
      const obs = observe([balancedCluster('api', 'round-robin', [10, 12, 100])]);
      obs.snapshot.clusters.api!.metrics.requests = 0;
      expect(rule.propose(obs, settings())).toBeUndefined();
    });

    it('when the snapshot carries no balancing state, does not trigger', () => {
      expect(rule.propose(observe(undefined), settings())).toBeUndefined();
    });

    it('when asked twice, proposes the same: the rule keeps no state', () => {
      const obs = observe([balancedCluster('api', 'least-outstanding', [5, 50])]);
      expect(rule.propose(obs, settings())).toEqual(rule.propose(obs, settings()));
    });
  });

  describe('.measure()', () => {
    it('when given the proposal, measures the p99 of its cluster (lower is better)', () => {
      const proposal = rule.propose(observe([balancedCluster('web', 'random', [5, 50])]), settings())!;
      expect(rule.metric).toBe('clusterLatencyP99');
      expect(rule.better).toBe('lower');
      // A fresh rule measures the same: the target comes from the proposal, not from a closure.
      expect(lbOutlierRule({ outlierFactor: 3 }).measure(observe(undefined), proposal)).toBe(30);
    });

    it('when given no proposal, measures the highest cluster p99', () => {
      expect(rule.measure(observe(undefined))).toBe(80);
      expect(rule.measure({ snapshot: snapshot() })).toBe(0);
    });
  });
});
