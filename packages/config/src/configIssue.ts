import type { ConfigIssue } from '@slipstream/contracts';
import { describeValue } from './describeValue';

/** One config issue by hand (for checks no schema states), the received value rendered with its type. */
export function configIssue(path: string, expected: string, received: unknown): ConfigIssue {
  return { path, expected, received: describeValue(received) };
}
