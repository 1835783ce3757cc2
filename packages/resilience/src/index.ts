export { BREAKER_DEFAULTS, CircuitBreakerRegistry } from './CircuitBreakerRegistry';
export type { BreakerExecuteOptions, CircuitBreakerOptions } from './CircuitBreakerRegistry';
export { Hedger } from './Hedger';
export type { HedgeExecuteOptions, HedgerOptions, HedgeStats } from './Hedger';
export {
  classifyAttemptError,
  classifyError,
  classifyResponse,
  classifyStatus,
  isRetryableOutcome,
  OUTCOME_EFFECTS,
} from './outcome/classifyOutcome';
export type {
  BreakerEffect,
  EndpointEffect,
  LimiterEffect,
  OutcomeContext,
  OutcomeEffects,
} from './outcome/classifyOutcome';
export { parseRetryAfter, retryAfterMs } from './retryAfter';
export { RetryBudget } from './RetryBudget';
export type { RetryBudgetOptions } from './RetryBudget';
export { RetryPolicy } from './RetryPolicy';
export type {
  RetryAttempt,
  RetryExecuteOptions,
  RetryPolicyDeps,
  RetryPolicyOptions,
  RetryStats,
} from './RetryPolicy';
export { sleep } from './sleep';
