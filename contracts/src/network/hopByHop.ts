/**
 * Connection-specific header fields a proxy never forwards (RFC 9110 §7.6.1, plus the
 * non-standard `keep-alive` and `proxy-connection` that clients still send), lower case.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = Object.freeze([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
