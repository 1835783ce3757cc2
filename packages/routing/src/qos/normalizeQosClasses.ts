import { configIssue, parseConfig, qosClassesSchema } from '@slipstream/config';
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
 * Checks `classes` with the config package's schema (each field's type and range; at least one
 * class), then that names are unique, and fills defaults (weight 1, maxQueue 1_000,
 * queueTimeoutMs 5_000 ms, shedOrder = priority rank reversed, so lower priority sheds first,
 * maxInflightShare 1). Throws a `ConfigError` naming every bad field as `classes[i].<field>`.
 */
export function normalizeQosClasses(classes: readonly QosClassConfig[]): NormalizedQosClass[] {
  parseConfig(qosClassesSchema, classes, ['classes']);
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  classes.forEach((c, i) => {
    if (names.has(c.name)) issues.push(configIssue(`classes[${i}].name`, 'a unique name', c.name));
    names.add(c.name);
  });
  if (issues.length > 0) throw new ConfigError(issues);
  const maxPriority = Math.max(0, ...classes.map((c) => c.priority));
  return classes.map((c): NormalizedQosClass =>
    Object.freeze({
      name: c.name,
      priority: c.priority,
      weight: c.weight ?? DEFAULTS.weight,
      maxQueue: c.maxQueue ?? DEFAULTS.maxQueue,
      queueTimeoutMs: c.queueTimeoutMs ?? DEFAULTS.queueTimeoutMs,
      shedOrder: c.shedOrder ?? maxPriority - c.priority,
      maxInflightShare: c.maxInflightShare ?? DEFAULTS.maxInflightShare,
      rateLimit: c.rateLimit,
    }),
  );
}
