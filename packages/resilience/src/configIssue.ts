import type { ConfigIssue } from '@slipstream/contracts';

/** One config issue, with the received value rendered as JSON. */
export function issue(path: string, expected: string, received: unknown): ConfigIssue {
  return { path, expected, received: JSON.stringify(received) ?? String(received) };
}
