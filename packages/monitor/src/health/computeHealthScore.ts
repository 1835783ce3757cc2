import type { HealthScore } from '@slipstream/contracts';

/**
 * Error rate at which the error factor reaches 0: each percentage point of failed requests
 * costs 100 ÷ 50 = 2 points of score, so 1 % scores 98, 10 % scores 80, 40 % scores 20.
 */
export const ERROR_RATE_AT_ZERO = 0.5;
/** Saturation below which the score is not reduced. */
export const SATURATION_KNEE = 0.8;

/** Measured inputs of a health score. */
export interface HealthInputs {
  /** Requests in the window. */
  requests: number;
  /** Failed requests in the window. */
  errors: number;
  /** p99 latency in the window, ms. */
  latencyP99Ms: number;
  /** The latency objective, ms. */
  sloLatencyMs: number;
  /** In-flight ÷ concurrency limit, 0..1 (0 when no limit is reported). */
  saturation: number;
}

/**
 * The health score on a 0–100 scale (100 = every request answered within the latency
 * objective with headroom to spare; 0 = half or more of the requests failing), from measured
 * inputs:
 *
 *   score = 100 × errorFactor × latencyFactor × saturationFactor
 *
 * - errorFactor = max(0, 1 − errorRate ÷ 0.5), errorRate = errors ÷ requests (0 with no
 *   traffic): linear, 2 points per percentage point of errors, so the score tells 1 %, 10 %
 *   and 40 % errors apart (98, 80, 20) instead of collapsing near 0 from a few percent on;
 * - latencyFactor = 1 when p99 ≤ SLO, else SLO ÷ p99 (half the score at twice the SLO);
 * - saturationFactor = 1 up to 80 % saturation, then falls linearly to 0.5 at 100 %.
 *
 * Each factor is monotone in its input, so the score never rises when a figure gets worse.
 * Rounded to one decimal.
 */
export function computeHealthScore(inputs: HealthInputs): HealthScore {
  const availability = inputs.requests > 0 ? 1 - inputs.errors / inputs.requests : 1;
  const latencyFactor =
    inputs.latencyP99Ms <= inputs.sloLatencyMs ? 1 : inputs.sloLatencyMs / inputs.latencyP99Ms;
  const saturation = Math.min(1, Math.max(0, inputs.saturation));
  const saturationFactor = 1 - (Math.max(0, saturation - SATURATION_KNEE) / (1 - SATURATION_KNEE)) * 0.5;
  const errorFactor = Math.max(0, 1 - (1 - availability) / ERROR_RATE_AT_ZERO);
  const raw = 100 * errorFactor * latencyFactor * saturationFactor;
  return {
    score: Math.round(raw * 10) / 10,
    availability,
    latencyP99Ms: inputs.latencyP99Ms,
    sloLatencyMs: inputs.sloLatencyMs,
    saturation,
  };
}
