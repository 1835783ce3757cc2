import type { Suite } from '../harness/suite';
import { batchingSuite } from './batchingSuite';
import { busSuite } from './busSuite';
import { ceilingSuite } from './ceilingSuite';
import { httpSuite } from './httpSuite';

/** Every suite, in the order `npm run bench` runs them. */
export const suites: readonly Suite[] = [httpSuite, ceilingSuite, batchingSuite, busSuite];
