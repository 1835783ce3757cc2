import type { HealthScore } from '@slipstream/contracts';

/** Exponent on availability: 99 % availability alone scores 90.4, 95 % scores 59.9. */
export const AVAILABILITY_EXPONENT = 10;
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
 * The health score, 0..100, from measured inputs:
 *
 *   score = 100 × availability^10 × latencyFactor × saturationFactor
 *
 * - availability = 1 − errors ÷ requests (1 with no traffic: nothing failed);
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
  const raw = 100 * availability ** AVAILABILITY_EXPONENT * latencyFactor * saturationFactor;
  return {
    score: Math.round(raw * 10) / 10,
    availability,
    latencyP99Ms: inputs.latencyP99Ms,
    sloLatencyMs: inputs.sloLatencyMs,
    saturation,
  };
}
