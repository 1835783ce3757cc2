import type { Socket } from 'node:net';

/** Bytes a response's status line is told by: `HTTP/1.1 100` and the byte after the code. */
const STATUS_BYTES = 13;
/**
 * The status line of an interim (1xx) response other than `101 Switching Protocols`, after
 * which the bytes are another protocol's.
 */
const INTERIM = /^HTTP\/1\.[01] 1(?!01)\d\d[ \r]/;
/** The status line of a `100 Continue`. */
const CONTINUE = /^HTTP\/1\.[01] 100[ \r]/;
/** The end of a response head. */
const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * Bytes an interim response's head may take before the filter stops holding it and lets
 * undici judge the bytes (undici's default `maxHeaderSize`).
 */
const MAX_INTERIM_HEAD = 16 * 1_024;

/**
 * Makes an HTTP/1.1 socket drop every `100 Continue` at the start of a response before undici
 * reads it: undici 7's HTTP/1.1 client destroys the connection on any 100 (client-h1.js
 * `onHeadersComplete`: `if (statusCode === 100) util.destroy(socket, new SocketError('bad
 * response'))`), though RFC 9110 §15.2 has a client parse the 1xx responses it did not ask
 * for, and it sends no `expect: 100-continue` to wait for one. Other interim responses pass
 * (undici skips them itself, the pool tasks ignore them); a 101 ends the filtering, as a final
 * response does.
 *
 * The returned function is called as each request's head goes out: the next bytes start its
 * response. The socket must carry one request at a time (no pipelining): the response before
 * it is then whole. A 1xx response has no body, so the filter reads interim heads only, up to
 * the final response's status line, and passes every byte after it untouched until the next
 * request. Overrides the socket's own `push`, through which Node hands it the bytes it read.
 */
export function skipContinues(socket: Socket): () => void {
  const push = socket.push.bind(socket);
  /** Whether the next bytes are a response's start (before its final status line). */
  let atResponseStart = false;
  /** Bytes of an interim head (or of a status line) not decided yet. */
  let held: Buffer | null = null;
  socket.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (!atResponseStart || !Buffer.isBuffer(chunk)) {
      if (held !== null) {
        push(held);
        held = null;
      }
      return push(chunk, encoding);
    }
    let bytes = held === null ? chunk : Buffer.concat([held, chunk]);
    held = null;
    /** What the last `push` said: whether the socket's reader wants more now. */
    let more = true;
    for (;;) {
      if (bytes.length < STATUS_BYTES) {
        held = bytes;
        return more;
      }
      const status = bytes.toString('latin1', 0, STATUS_BYTES);
      if (!INTERIM.test(status)) {
        atResponseStart = false;
        return push(bytes);
      }
      const end = bytes.indexOf(HEAD_END);
      if (end < 0) {
        if (bytes.length > MAX_INTERIM_HEAD) {
          atResponseStart = false;
          return push(bytes);
        }
        held = bytes;
        return more;
      }
      const next = end + HEAD_END.length;
      if (!CONTINUE.test(status)) more = push(bytes.subarray(0, next));
      if (next === bytes.length) return more;
      bytes = bytes.subarray(next);
    }
  };
  return () => {
    atResponseStart = true;
  };
}
