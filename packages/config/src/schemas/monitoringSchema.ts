import { z } from 'zod';
import { adminAddressRule } from './adminAddressRule';
import { ms, name, positiveMs } from './primitives';

/** `AlertRuleConfig`. */
export const alertRuleSchema = z.strictObject({
  name,
  metric: z.enum(['errorRate', 'latencyP99', 'healthScore', 'breakerOpen', 'shedRate']),
  comparator: z.enum(['>', '<']),
  threshold: z.number(),
  forMs: ms.optional(),
  hysteresis: z.number().min(0).optional(),
  cluster: name.optional(),
  severity: z.enum(['info', 'warning', 'critical']).optional(),
});

/** `NetworkMonitoringConfig`. */
export const monitoringSchema = z.strictObject({
  sloLatencyMs: z.number().positive().optional(),
  snapshotIntervalMs: ms.optional(),
  windowMs: positiveMs.optional(),
  alertRules: z.array(alertRuleSchema).optional(),
  admin: z
    .strictObject({
      enabled: z.boolean().optional(),
      host: name.optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      allowRemote: z.boolean().optional(),
      bearerToken: name.optional(),
    })
    .superRefine(adminAddressRule)
    .optional(),
  tracing: z.strictObject({ enabled: z.boolean().optional() }).optional(),
  prometheus: z
    .strictObject({
      maxSeries: z.number().int().min(1).optional(),
      defaultMetrics: z.boolean().optional(),
    })
    .optional(),
  accessLog: z
    .strictObject({
      enabled: z.boolean().optional(),
      sampleRate: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
