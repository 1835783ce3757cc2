import { ConfigError, type ConfigIssue } from '@slipstream/contracts';
import type { PipelineStep } from './PipelineStep';

/**
 * Checks the steps added to a client (`TOKENS.PipelineStep`, `createNetworkClient`'s `steps`):
 * an array of objects, each with a `handle` function and a string `name`. Throws a `ConfigError`
 * naming each bad one (`steps[1].handle`) when the client is built: a malformed step would
 * otherwise fail every request, charged to its endpoint as an upstream failure and retried.
 */
export function checkSteps(steps: unknown): readonly PipelineStep[] {
  if (!Array.isArray(steps))
    throw new ConfigError([
      { path: 'steps', expected: 'an array of pipeline steps', received: shown(steps) },
    ]);
  const issues: ConfigIssue[] = [];
  steps.forEach((step: unknown, i) => {
    if (typeof step !== 'object' || step === null) {
      issues.push({ path: `steps[${i}]`, expected: 'a pipeline step (name, handle)', received: shown(step) });
      return;
    }
    const { name, handle } = step as { name?: unknown; handle?: unknown };
    if (typeof handle !== 'function')
      issues.push({
        path: `steps[${i}].handle`,
        expected: 'a function (ctx, next)',
        received: shown(handle),
      });
    if (typeof name !== 'string')
      issues.push({ path: `steps[${i}].name`, expected: 'a string', received: shown(name) });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return steps as PipelineStep[];
}

/** A bad value rendered for a `ConfigIssue`. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
}
