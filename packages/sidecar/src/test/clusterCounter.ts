import { parseExposition } from '../../../monitor/src/test/parseExposition';

/** The value of the counter `name` for `cluster` on a sidecar's admin `/metrics` (0 when absent). */
export async function clusterCounter(adminUrl: string, name: string, cluster: string): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  const sample = parseExposition(text).find((s) => s.name === name && s.labels.cluster === cluster);
  return sample?.value ?? 0;
}
