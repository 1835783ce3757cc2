import { ConfigError, type ConfigIssue, type QosClassConfig } from '@slipstream/contracts';

/** A QoS class with every default filled in. */
export type NormalizedQosClass = Readonly<Required<Omit<QosClassConfig, 'rateLimit'>>> &
  Pick<QosClassConfig, 'rateLimit'>;

const DEFAULTS = Object.freeze({ weight: 1, maxQueue: 1_000, queueTimeoutMs: 5_000, maxInflightShare: 1 });

/**
 * The default classes: `critical` is served first (strict priority); `standard` and `bulk`
 * share the rest 3 : 1 by weight; under overload `bulk` is shed first, `critical` last.
 */
export const DEFAULT_QOS_CLASSES: readonly QosClassConfig[] = Object.freeze([
  { name: 'critical', priority: 0, shedOrder: 2 },
  { name: 'standard', priority: 1, weight: 3, shedOrder: 1 },
  { name: 'bulk', priority: 1, weight: 1, shedOrder: 0 },
]);

/**
 * Fills defaults (weight 1, maxQueue 1_000, queueTimeoutMs 5_000 ms, shedOrder = priority
 * rank reversed, so lower priority sheds first, maxInflightShare 1) and validates. Throws a `ConfigError` naming
 * every bad field.
 */
export function normalizeQosClasses(classes: readonly QosClassConfig[]): NormalizedQosClass[] {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  const maxPriority = Math.max(0, ...classes.map((c) => (Number.isFinite(c.priority) ? c.priority : 0)));
  if (classes.length === 0) issues.push({ path: 'classes', expected: 'at least one class', received: '[]' });
  const out = classes.map((c, i): NormalizedQosClass => {
    const at = `classes[${i}]`;
    const bad = (field: string, expected: string, value: unknown): void => {
      issues.push({ path: `${at}.${field}`, expected, received: `${String(value)} (class "${c.name}")` });
    };
    if (typeof c.name !== 'string' || c.name === '')
      bad('name', 'a non-empty string', JSON.stringify(c.name));
    else if (names.has(c.name)) bad('name', 'a unique name', `"${c.name}" again`);
    names.add(c.name);
    const n = {
      name: c.name,
      priority: c.priority,
      weight: c.weight ?? DEFAULTS.weight,
      maxQueue: c.maxQueue ?? DEFAULTS.maxQueue,
      queueTimeoutMs: c.queueTimeoutMs ?? DEFAULTS.queueTimeoutMs,
      shedOrder: c.shedOrder ?? maxPriority - c.priority,
      maxInflightShare: c.maxInflightShare ?? DEFAULTS.maxInflightShare,
      rateLimit: c.rateLimit,
    };
    if (!Number.isFinite(n.priority)) bad('priority', 'a finite number', n.priority);
    if (!(Number.isFinite(n.weight) && n.weight > 0)) bad('weight', 'a positive finite number', n.weight);
    if (!(Number.isInteger(n.maxQueue) && n.maxQueue >= 0)) bad('maxQueue', 'an integer ≥ 0', n.maxQueue);
    if (!(Number.isFinite(n.queueTimeoutMs) && n.queueTimeoutMs > 0))
      bad('queueTimeoutMs', 'a positive finite number of ms', n.queueTimeoutMs);
    if (!Number.isFinite(n.shedOrder)) bad('shedOrder', 'a finite number', n.shedOrder);
    if (!(n.maxInflightShare > 0 && n.maxInflightShare <= 1))
      bad('maxInflightShare', 'a number in (0, 1]', n.maxInflightShare);
    const r = n.rateLimit;
    if (
      r &&
      !(r.ratePerSec > 0 && Number.isFinite(r.ratePerSec) && r.burst >= 1 && Number.isFinite(r.burst))
    ) {
      bad('rateLimit', 'ratePerSec > 0 and burst ≥ 1', `${r.ratePerSec}/s, burst ${r.burst}`);
    }
    return Object.freeze(n);
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}
