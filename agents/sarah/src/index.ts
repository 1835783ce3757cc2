export { SarahAgent } from './SarahAgent';
export { SARAH_DEFAULTS, type SarahOptions, type TaskPriority } from './SarahOptions';
export type { SarahNetwork } from './SarahNetwork';
export { SARAH_TOKENS } from './SARAH_TOKENS';
export { sarahModule } from './sarahModule';
export {
  runAggregateTask,
  type AggregateContext,
  type AggregateParams,
  type AggregateResult,
  type CallTiming,
} from './tasks/runAggregateTask';
