import type { ResolvedUpstreamTls } from '@slipstream/config';

/** Whether two resolved TLS settings give the same connections (PEM compared by content, so a re-read file that changed differs). */
export function sameTls(a: ResolvedUpstreamTls | undefined, b: ResolvedUpstreamTls | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.ca === b.ca &&
    a.cert === b.cert &&
    a.key === b.key &&
    a.servername === b.servername &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.minVersion === b.minVersion
  );
}
