import { isLoopbackHost } from '@slipstream/contracts';
import type { z } from 'zod';

/** The address fields of an admin server's settings. */
interface AdminAddress {
  host?: string;
  allowRemote?: boolean;
  bearerToken?: string;
}

/**
 * The rule across an admin server's address fields (`network.monitoring.admin`,
 * `sidecar.admin`): a host other than loopback needs `allowRemote: true` and a `bearerToken`,
 * so metrics and stats are never exposed by accident. A `superRefine` check, so validation
 * reports it at the section's own path.
 */
export function adminAddressRule(admin: AdminAddress, ctx: z.RefinementCtx): void {
  const host = admin.host ?? '127.0.0.1';
  if (isLoopbackHost(host)) return;
  if (admin.allowRemote !== true)
    ctx.addIssue({
      code: 'custom',
      path: ['host'],
      input: host,
      message: 'a loopback address (127.0.0.1, ::1, localhost) unless allowRemote is true',
    });
  if (admin.bearerToken === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['bearerToken'],
      input: admin.bearerToken,
      message: `a token when the admin server listens on a non-loopback host (${host})`,
    });
}
