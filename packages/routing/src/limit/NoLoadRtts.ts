/**
 * A probe measures each endpoint it reached with at least this many samples (or it has taken
 * `PROBE_MAX_ROUNDS × minSamples` samples): a median of one or two is noise.
 */
const PROBE_ENDPOINT_SAMPLES = 3;

/** A probe ends after this many times `minSamples` samples even if an endpoint it reached has fewer than `PROBE_ENDPOINT_SAMPLES`. */
const PROBE_MAX_ROUNDS = 4;

/** One endpoint's no-load RTT. */
interface Baseline {
  /** The no-load RTT, ms. */
  rttMs: number;
  /** When a window last confirmed it (its median at or below it) or a probe measured it, ms. */
  confirmedAt: number;
  /** When a window last had a sample of it, ms. */
  seenAt: number;
  /** RTTs since the baseline last learned from a batch of `minSamples` (a quiet endpoint's windows are small). */
  pending: number[];
}

/**
 * The no-load RTT of each endpoint of a cluster, against which a concurrency limiter reads its
 * samples. Endpoints of one cluster can differ a hundredfold (another region, a degraded host):
 * measured against one shared baseline, a window's RTT follows the mix of endpoints that answered
 * in it, not the load, and a round-robin cluster of a 3 ms and a 100 ms endpoint read 33× "congestion"
 * whenever the median fell on the slow side (the limit fell to 5 and shed 98 % of requests). Each
 * sample is read against its own endpoint's no-load RTT instead; samples that name no endpoint share one.
 *
 * An endpoint's baseline is its first window's median, then the lowest median of a batch of at
 * least `minSamples` of its RTTs (a batch can span windows: a quiet endpoint's share of a window
 * is small, and the lowest of many medians of a few samples sits below the no-load RTT); a
 * probe measures it afresh (it may go up). An endpoint not seen for two probe intervals is forgotten.
 */
export class NoLoadRtts {
  private readonly byEndpoint = new Map<string, Baseline>();
  /** The median of the baselines of the last window's (or probe's) samples, ms: the cluster's typical no-load RTT. */
  private typical = 0;
  /** The oldest confirmation among the endpoints of the last window, ms. */
  private oldestConfirmed = Infinity;

  /** The cluster's typical no-load RTT: the median of the baselines of the last window's samples, ms (0 before any). */
  get typicalMs(): number {
    return this.typical;
  }

  /** When the least recently confirmed baseline of the last window's endpoints was confirmed, ms (Infinity before any). */
  get oldestConfirmedAt(): number {
    return this.oldestConfirmed;
  }

  /**
   * Learns from a window's RTTs (`endpoints[i]` answered `rtts[i]`; '' names no endpoint) and returns the window's RTT
   * as a multiple of the no-load one: each endpoint's median RTT ÷ its baseline, averaged over the
   * endpoints weighted by their samples (with one endpoint: the window's median ÷ the baseline).
   * Not the median over all samples: with half of them from an endpoint whose queue grew its RTT 16×
   * and half from a fast one at 1×, the median fell on either side from window to window and the limit
   * mostly did not cut. Undefined for an empty window.
   */
  learnWindow(
    rtts: readonly number[],
    endpoints: readonly string[],
    now: number,
    minSamples: number,
    probeIntervalMs: number,
  ): number | undefined {
    if (rtts.length === 0) return undefined;
    const groups = groupByEndpoint(rtts, endpoints);
    this.oldestConfirmed = Infinity;
    let weighted = 0;
    for (const [endpoint, own] of groups) {
      const median = medianOf(own);
      let b = this.byEndpoint.get(endpoint);
      if (b === undefined) {
        b = { rttMs: median, confirmedAt: now, seenAt: now, pending: [] };
        this.byEndpoint.set(endpoint, b);
      } else {
        b.seenAt = now;
        if (median <= b.rttMs) b.confirmedAt = now;
        for (const rtt of own) b.pending.push(rtt);
        if (b.pending.length >= minSamples) {
          const batch = medianOf(b.pending);
          b.pending.length = 0;
          if (batch <= b.rttMs) b.rttMs = batch;
        }
      }
      this.oldestConfirmed = Math.min(this.oldestConfirmed, b.confirmedAt);
      weighted += (own.length * median) / Math.max(b.rttMs, 1e-3);
    }
    this.forget(now, probeIntervalMs);
    this.typical = this.typicalOf(endpoints);
    return weighted / rtts.length;
  }

  /**
   * Whether a probe's samples measure enough: `minSamples` in all, and `PROBE_ENDPOINT_SAMPLES` of
   * each endpoint they reached (or `PROBE_MAX_ROUNDS × minSamples` in all).
   */
  probeDone(rtts: readonly number[], endpoints: readonly string[], minSamples: number): boolean {
    if (rtts.length < minSamples) return false;
    if (rtts.length >= PROBE_MAX_ROUNDS * minSamples) return true;
    for (const own of groupByEndpoint(rtts, endpoints).values())
      if (own.length < PROBE_ENDPOINT_SAMPLES) return false;
    return true;
  }

  /**
   * A probe's samples become the baselines of the endpoints they measured (each its median; it may
   * go up); every known baseline counts as confirmed now (the probe was its chance to be measured).
   */
  learnProbe(
    rtts: readonly number[],
    endpoints: readonly string[],
    now: number,
    probeIntervalMs: number,
  ): void {
    const groups = groupByEndpoint(rtts, endpoints);
    for (const [endpoint, own] of groups) {
      const b = this.byEndpoint.get(endpoint);
      if (b !== undefined) b.seenAt = now;
      // Too few to measure (unless it is the only endpoint): it keeps its baseline.
      if (own.length < PROBE_ENDPOINT_SAMPLES && own.length < rtts.length) continue;
      if (b === undefined)
        this.byEndpoint.set(endpoint, { rttMs: medianOf(own), confirmedAt: now, seenAt: now, pending: [] });
      else {
        b.rttMs = medianOf(own);
        b.pending.length = 0;
      }
    }
    this.forget(now, probeIntervalMs);
    this.confirmAll(now);
    this.typical = this.typicalOf(endpoints);
  }

  /** Counts every known baseline as confirmed now (a probe that could not measure them: the client was the bottleneck). */
  confirmAll(now: number): void {
    for (const b of this.byEndpoint.values()) b.confirmedAt = now;
    this.oldestConfirmed = now;
  }

  /**
   * Forgets the endpoints that had no sample for two probe intervals while others had (removed from the cluster):
   * called once the last window's endpoints are marked seen, so a cluster idle for long keeps what it learned.
   */
  private forget(now: number, probeIntervalMs: number): void {
    for (const [endpoint, b] of this.byEndpoint)
      if (now - b.seenAt >= 2 * probeIntervalMs) this.byEndpoint.delete(endpoint);
  }

  private typicalOf(endpoints: readonly string[]): number {
    return medianOf(endpoints.map((e) => this.byEndpoint.get(e)?.rttMs ?? this.typical));
  }
}

function groupByEndpoint(rtts: readonly number[], endpoints: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < rtts.length; i++) {
    const k = endpoints[i]!;
    const own = groups.get(k);
    if (own) own.push(rtts[i]!);
    else groups.set(k, [rtts[i]!]);
  }
  return groups;
}

/**
 * The median of `values` (the lower middle one of an even count; sorts `values` in place), as the limiter's window
 * RTT has always been read (`RTT_QUANTILE` 0.5 of the sorted window).
 */
function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor((values.length - 1) / 2)]!;
}
