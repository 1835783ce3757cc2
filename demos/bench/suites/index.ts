import type { Suite } from '../harness/suite';
import { balancingSuite } from './balancingSuite';
import { batchingSuite } from './batchingSuite';
import { breakerSuite } from './breakerSuite';
import { busSuite } from './busSuite';
import { ceilingSuite } from './ceilingSuite';
import { hedgeSuite } from './hedgeSuite';
import { httpSuite } from './httpSuite';
import { limiterSuite } from './limiterSuite';
import { memorySuite } from './memorySuite';
import { monitorSuite } from './monitorSuite';
import { natsSuite } from './natsSuite';
import { qosSuite } from './qosSuite';
import { sidecarSuite } from './sidecarSuite';
import { tlsSuite } from './tlsSuite';

/** Every suite, in the order `npm run bench` runs them. */
export const suites: readonly Suite[] = [
  httpSuite,
  ceilingSuite,
  batchingSuite,
  balancingSuite,
  breakerSuite,
  hedgeSuite,
  qosSuite,
  limiterSuite,
  monitorSuite,
  busSuite,
  memorySuite,
  natsSuite,
  sidecarSuite,
  tlsSuite,
];
