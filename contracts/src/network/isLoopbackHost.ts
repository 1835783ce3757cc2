/**
 * Whether `host` names this machine's loopback interface only: `localhost`, `::1` (bare or in
 * brackets) or an address in 127.0.0.0/8. Servers that expose state (the admin server) listen
 * elsewhere only when told to.
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
