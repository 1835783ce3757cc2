/**
 * A `Host` value the sidecar accepts: a host name or IPv4 address of letters, digits, `-`, `.`,
 * `_` and `~`, or a bracketed IPv6 literal, then an optional `:port` of digits (RFC 9110 §7.2 and
 * RFC 3986 §3.2, narrowed: no percent-encoding and no sub-delimiters, which no configured host
 * needs and which would let a crafted value break out of `forwarded`'s quoted `host=`).
 */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** Whether `host` is a well-formed `Host` value (RFC 9112 §3.2: a server answers any other with 400). */
export function isValidHost(host: string): boolean {
  return HOST.test(host);
}

/** How many `Host` fields a request head carries (Node keeps the first of several; RFC 9112 §3.2: more than one is a 400). */
export function hostFields(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count++;
  }
  return count;
}
