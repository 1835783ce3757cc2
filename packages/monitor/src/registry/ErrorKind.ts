import { OUTCOME_KINDS, type OutcomeKind } from '@slipstream/contracts';

/** Every kind of failed request the registry counts, in a fixed order (the index of a counter). */
export const ERROR_KINDS = [
  'timeout',
  'connect',
  '4xx',
  '5xx',
  'breakerOpen',
  'shed',
  'aborted',
  'other',
] as const;

/** Why a request failed. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The counter index of each error kind; a property read keeps the record path free of searches. */
export const ERROR_KIND_INDEX: Readonly<Record<ErrorKind, number>> = Object.freeze(
  Object.fromEntries(ERROR_KINDS.map((kind, i) => [kind, i])) as Record<ErrorKind, number>,
);

/**
 * The outcome kind a request reported with an error kind but no verdict falls under (callers
 * that have the pipeline's verdict pass it as `outcome`, and this is not consulted).
 */
export const ERROR_KIND_OUTCOME: Readonly<Record<ErrorKind, OutcomeKind>> = Object.freeze({
  timeout: 'upstream_failure',
  connect: 'upstream_failure',
  '4xx': 'client_error',
  '5xx': 'upstream_failure',
  breakerOpen: 'local_rejection',
  shed: 'local_rejection',
  aborted: 'cancelled',
  other: 'upstream_failure',
});

/** The counter index of each outcome kind, like `OUTCOME_KINDS`. */
export const OUTCOME_KIND_INDEX: Readonly<Record<OutcomeKind, number>> = Object.freeze(
  Object.fromEntries(OUTCOME_KINDS.map((kind, i) => [kind, i])) as Record<OutcomeKind, number>,
);
