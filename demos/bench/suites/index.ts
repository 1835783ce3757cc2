import type { Suite } from '../harness/suite';

/** Every suite, in the order `npm run bench` runs them. */
export const suites: readonly Suite[] = [];
