import { z } from 'zod';
import { ms, positiveInt } from './primitives';

/** `UpstreamTlsConfig`: CA, client certificate and key (PEM text or file path), SNI, verification, minimum version. */
export const upstreamTlsSchema = z
  .strictObject({
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    servername: z.string().min(1).optional(),
    rejectUnauthorized: z.boolean().optional(),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), {
    path: ['key'],
    message: 'cert and key together (mutual TLS needs both)',
  });

/**
 * `UpstreamConnectionConfig`: how connections to an upstream are made and how long they live
 * (cluster or endpoint level; cross-field rules such as h2 needing https are checked where the
 * origin is known, in the http package).
 */
export const upstreamConnectionShape = {
  tls: upstreamTlsSchema.optional(),
  protocol: z.enum(['h1', 'h2', 'auto']).optional(),
  maxConcurrentStreams: positiveInt.optional(),
  maxRequestsPerConnection: z
    .number()
    .int()
    .refine((n) => n === 0 || n >= 2, { message: '0 (no limit) or an integer ≥ 2' })
    .optional(),
  maxConnectionAgeMs: ms.optional(),
  maxConnectionAgeJitter: z.number().min(0).max(1).optional(),
};
