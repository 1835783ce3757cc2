import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import { monotonicClock, type Clock } from '../clock';

/** Options of an {@link AdaptiveClusterChooser}. */
export interface AdaptiveClusterChooserOptions {
  /** Weight of a new outcome in the latency and error EWMAs, 0..1. Defaults to 0.1. */
  alpha?: number;
  /** Error penalty `k` in `score = ewmaLatency × (1 + k × errorRate)`. Defaults to 10. */
  errorPenalty?: number;
  /** A less preferred cluster must score this fraction better than the active one to take over, 0..1. Defaults to 0.2. */
  switchMargin?: number;
  /** How long a candidate must stay better before the switch, ms. Defaults to 2_000 ms. */
  holdMs?: number;
  /** Share of requests sent to the other clusters to keep measuring them, 0..0.5. Defaults to 0.05. */
  probeRatio?: number;
  /** Outcomes a cluster needs before its score counts. Defaults to 5. */
  minSamples?: number;
  /** Time source, ms. Defaults to `performance.now()`. */
  clock?: Clock;
  /** Called when the active cluster changes, with the measured scores behind it. */
  onChange?: (change: { from: string; to: string; reason: string }) => void;
}

const DEFAULTS = Object.freeze({
  alpha: 0.1,
  errorPenalty: 10,
  switchMargin: 0.2,
  holdMs: 2_000,
  probeRatio: 0.05,
  minSamples: 5,
});

/** Measured state of one cluster. */
interface ClusterScore {
  latencyMs: number;
  errorRate: number;
  samples: number;
}

/** The measured view of one candidate cluster. */
export interface ClusterChoiceStats {
  cluster: string;
  /** EWMA latency, ms. */
  latencyMs: number;
  /** EWMA error rate, 0..1. */
  errorRate: number;
  /** `latencyMs × (1 + errorPenalty × errorRate)`; lower is better. */
  score: number;
  samples: number;
}

/**
 * Picks, for a route with alternative clusters (a primary region and fallbacks, in order of
 * preference), the cluster with the best measured score `ewmaLatency × (1 + k × errorRate)`.
 *
 * Hysteresis keeps it from flapping: a *less* preferred cluster takes over only when its score
 * stays below `(1 − switchMargin) ×` the active one's for `holdMs`; a *more* preferred one
 * (the primary, when it recovers) takes back over when its score stays at or below the
 * active one's for `holdMs`. The asymmetric band means noise around equal scores never moves
 * traffic away from the preferred cluster. A failure's latency counts at least as the
 * cluster's current EWMA, so fast errors do not look attractive.
 *
 * A `probeRatio` share of requests goes round-robin to the other clusters so their scores stay
 * current (that is how recovery is noticed); the rest goes to the active cluster.
 */
export class AdaptiveClusterChooser {
  /** The clusters, most preferred first. */
  readonly clusters: readonly string[];
  private readonly options: Required<Omit<AdaptiveClusterChooserOptions, 'onChange'>>;
  private readonly onChange: AdaptiveClusterChooserOptions['onChange'];
  /** Per cluster, by index; undefined before its first outcome. */
  private readonly scores: (ClusterScore | undefined)[];
  private activeIndex = 0;
  private candidate: { index: number; since: number } | undefined;
  private requests = 0;
  private probeCursor = 0;

  constructor(clusters: readonly string[], options: AdaptiveClusterChooserOptions = {}) {
    const o = {
      alpha: options.alpha ?? DEFAULTS.alpha,
      errorPenalty: options.errorPenalty ?? DEFAULTS.errorPenalty,
      switchMargin: options.switchMargin ?? DEFAULTS.switchMargin,
      holdMs: options.holdMs ?? DEFAULTS.holdMs,
      probeRatio: options.probeRatio ?? DEFAULTS.probeRatio,
      minSamples: options.minSamples ?? DEFAULTS.minSamples,
      clock: options.clock ?? monotonicClock,
    };
    const issues: ConfigIssue[] = [];
    const check = (path: string, ok: boolean, expected: string, value: unknown): void => {
      if (!ok) issues.push({ path, expected, received: String(value) });
    };
    check('clusters', clusters.length >= 1, 'at least one cluster', `[${clusters.join(', ')}]`);
    check('alpha', o.alpha > 0 && o.alpha <= 1, 'a number in (0, 1]', o.alpha);
    check(
      'errorPenalty',
      o.errorPenalty >= 0 && Number.isFinite(o.errorPenalty),
      'a finite number ≥ 0',
      o.errorPenalty,
    );
    check('switchMargin', o.switchMargin >= 0 && o.switchMargin < 1, 'a number in [0, 1)', o.switchMargin);
    check('holdMs', o.holdMs >= 0 && Number.isFinite(o.holdMs), 'a finite number ≥ 0', o.holdMs);
    check('probeRatio', o.probeRatio >= 0 && o.probeRatio <= 0.5, 'a number in [0, 0.5]', o.probeRatio);
    check('minSamples', Number.isInteger(o.minSamples) && o.minSamples >= 1, 'an integer ≥ 1', o.minSamples);
    if (issues.length > 0) throw new ConfigError(issues);
    this.clusters = Object.freeze([...clusters]);
    this.scores = clusters.map(() => undefined);
    this.options = o;
    this.onChange = options.onChange;
  }

  /** The cluster traffic goes to now (probes aside). */
  get active(): string {
    return this.clusters[this.activeIndex]!;
  }

  /** The cluster for the next request: the active one, or every `1 / probeRatio`-th time another. */
  choose(): string {
    return this.clusters[this.chooseIndex()]!;
  }

  /** Like `choose()`, as the cluster's index in `clusters`. */
  chooseIndex(): number {
    if (this.clusters.length === 1 || this.options.probeRatio === 0) return this.activeIndex;
    this.requests++;
    if (this.requests % Math.round(1 / this.options.probeRatio) !== 0) return this.activeIndex;
    this.probeCursor = (this.probeCursor + 1) % (this.clusters.length - 1);
    return (this.activeIndex + 1 + this.probeCursor) % this.clusters.length;
  }

  /** Records a measured outcome of a request sent to `cluster`, and re-evaluates the choice. */
  record(cluster: string, outcome: { latencyMs: number; error?: boolean }): void {
    const index = this.clusters.indexOf(cluster);
    if (index === -1) return;
    const { alpha } = this.options;
    const s = this.scores[index];
    const error = outcome.error === true ? 1 : 0;
    if (!s) this.scores[index] = { latencyMs: outcome.latencyMs, errorRate: error, samples: 1 };
    else {
      const latency = error ? Math.max(outcome.latencyMs, s.latencyMs) : outcome.latencyMs;
      s.latencyMs += alpha * (latency - s.latencyMs);
      s.errorRate += alpha * (error - s.errorRate);
      s.samples++;
    }
    this.evaluate();
  }

  /** The measured view of every cluster. */
  stats(): ClusterChoiceStats[] {
    return this.clusters.map((cluster, index) => {
      const s = this.scores[index] ?? { latencyMs: 0, errorRate: 0, samples: 0 };
      return { cluster, ...s, score: this.scoreOf(s) };
    });
  }

  private scoreOf(s: ClusterScore): number {
    return s.latencyMs * (1 + this.options.errorPenalty * s.errorRate);
  }

  private usableScore(index: number): number | undefined {
    const s = this.scores[index];
    return s && s.samples >= this.options.minSamples ? this.scoreOf(s) : undefined;
  }

  private evaluate(): void {
    const activeScore = this.usableScore(this.activeIndex);
    if (activeScore === undefined) return;
    // The best cluster that beats the active one by its hysteresis threshold, preferred first on ties.
    let bestIndex = -1;
    let bestScore = Infinity;
    for (let index = 0; index < this.clusters.length; index++) {
      const score = this.usableScore(index);
      if (index === this.activeIndex || score === undefined) continue;
      const beats =
        index < this.activeIndex
          ? score <= activeScore
          : score < activeScore * (1 - this.options.switchMargin);
      if (beats && score < bestScore) {
        bestIndex = index;
        bestScore = score;
      }
    }
    if (bestIndex === -1) {
      this.candidate = undefined;
      return;
    }
    // The clock is read only while a candidate is in sight, not on every outcome.
    const now = this.options.clock();
    if (this.candidate?.index !== bestIndex) {
      this.candidate = { index: bestIndex, since: now };
      if (this.options.holdMs > 0) return;
    }
    const heldMs = now - this.candidate.since;
    if (heldMs < this.options.holdMs) return;
    const from = this.active;
    this.activeIndex = bestIndex;
    this.candidate = undefined;
    this.onChange?.({
      from,
      to: this.active,
      reason: `score ${bestScore.toFixed(1)} against ${activeScore.toFixed(1)} for ${from}, held ${Math.round(heldMs)} ms`,
    });
  }
}
