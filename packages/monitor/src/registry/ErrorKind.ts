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
