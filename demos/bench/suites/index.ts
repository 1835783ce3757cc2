import type { Suite } from '../harness/suite';
import { busSuite } from './busSuite';
import { httpSuite } from './httpSuite';

/** Every suite, in the order `npm run bench` runs them. */
export const suites: readonly Suite[] = [httpSuite, busSuite];
