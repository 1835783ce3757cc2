import type { Scenario } from '../runner/Scenario';
import { connectionPooling } from './01-connection-pooling';
import { requestBatching } from './02-request-batching';
import { loadBalancing } from './03-load-balancing';
import { failover } from './04-failover';
import { stickySessions } from './05-sticky-sessions';
import { circuitBreaker } from './06-circuit-breaker';
import { monitoring } from './07-monitoring';
import { qosRouting } from './08-qos-routing';
import { optimizerLoop } from './09-optimizer-loop';
import { fullSystem } from './10-full-system';

/** The demo scenarios, in order. */
export const SCENARIOS: readonly Scenario[] = [
  connectionPooling,
  requestBatching,
  loadBalancing,
  failover,
  stickySessions,
  circuitBreaker,
  monitoring,
  qosRouting,
  optimizerLoop,
  fullSystem,
];
