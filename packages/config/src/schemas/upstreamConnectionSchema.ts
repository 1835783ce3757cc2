import { z } from 'zod';
import { ms, positiveInt } from './primitives';
import { unpairedTlsIssue } from './resolveUpstreamTls';

/** Default of every connection setting of an upstream (units and meaning in `UpstreamConnectionConfig`). */
export const UPSTREAM_CONNECTION_DEFAULTS = Object.freeze({
  protocol: 'h1',
  maxConcurrentStreams: 100,
  maxRequestsPerConnection: 0,
  maxConnectionAgeMs: 0,
  maxConnectionAgeJitter: 0.1,
} as const);

/**
 * `UpstreamTlsConfig`: CA, client certificate and key (PEM text or file path), SNI, verification,
 * minimum version. A cert without its key in the same block is an issue here; the files are read
 * and checked (readable PEM, a key matching its cert) where the pools are built
 * (`resolveUpstreamTls`), since a pushed fleet revision names files on the nodes.
 */
export const upstreamTlsSchema = z
  .strictObject({
    ca: z
      .string()
      .min(1)
      .optional()
      .describe('CA bundle: PEM text or a file path. Defaults to Node’s bundled CAs.'),
    cert: z
      .string()
      .min(1)
      .optional()
      .describe('Client certificate (mutual TLS): PEM text or a file path; needs key in the same tls block.'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Private key of cert: PEM text or a file path; in the same tls block as cert, and matching it.',
      ),
    servername: z.string().min(1).optional().describe('SNI server name. Defaults to the origin’s host name.'),
    rejectUnauthorized: z
      .boolean()
      .optional()
      .describe('Refuse a certificate that does not verify; false warns once per cluster. Defaults to true.'),
    minVersion: z
      .enum(['TLSv1.2', 'TLSv1.3'])
      .optional()
      .describe('Lowest TLS version. Defaults to TLSv1.2.'),
  })
  .superRefine((tls, ctx) => {
    const issue = unpairedTlsIssue(tls, 'tls');
    if (issue === undefined) return;
    ctx.addIssue({
      code: 'custom',
      path: issue.path.split('.').slice(1),
      message: issue.expected,
      params: { received: issue.received },
    });
  });

const NO_LIMIT_OR_AT_LEAST_TWO = '0 (no limit) or an integer ≥ 2';
/**
 * An integer ≥ 2: a refinement, so a value below says 0 is allowed too; its JSON Schema states
 * the bound (`minimum: 2`), so the schema and the config reference read `0 or integer (≥ 2)`.
 */
const atLeastTwo = z
  .number()
  .int()
  .refine((n) => n >= 2, { message: NO_LIMIT_OR_AT_LEAST_TWO })
  .meta({ minimum: 2 });

/**
 * `UpstreamConnectionConfig`: how connections to an upstream are made and how long they live
 * (cluster or endpoint level; cross-field rules such as h2 needing https are checked where the
 * origin is known, in the http package).
 */
export const upstreamConnectionShape = {
  tls: upstreamTlsSchema.optional(),
  protocol: z
    .enum(['h1', 'h2', 'auto'])
    .optional()
    .describe('h1: HTTP/1.1; h2: HTTP/2 over TLS (ALPN h2 only); auto: ALPN picks (https). Defaults to h1.'),
  maxConcurrentStreams: positiveInt
    .optional()
    .describe('Streams one HTTP/2 connection carries at once. Defaults to 100.'),
  maxRequestsPerConnection: z
    .union([z.literal(0), atLeastTwo], { error: NO_LIMIT_OR_AT_LEAST_TWO })
    .optional()
    .describe('Close an HTTP/1.1 connection after this many requests (0: never). Defaults to 0.'),
  maxConnectionAgeMs: ms
    .optional()
    .describe('Retire a connection once this old, ms (0: never). Defaults to 0.'),
  maxConnectionAgeJitter: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Random share, 0..1, taken off each connection’s age limit. Defaults to 0.1.'),
};
