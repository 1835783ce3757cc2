import { RequestAbortedError } from '@slipstream/contracts';
import { setMaxListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RefusedRequestError } from '../errors/RefusedRequestError';

/** The state of each client connection, made when it is accepted. */
const CONNECTIONS = new WeakMap<Socket, ClientConnection>();

/**
 * What the proxy keeps of one client connection: the responses it still owes on it (pipelined
 * requests are answered in order, one after another), a refusal that waits for them, and the
 * signal its requests' upstream calls listen to.
 */
export class ClientConnection {
  /** Responses owed on this connection: received, not yet closed, in the order of their requests. */
  readonly open = new Set<ServerResponse>();
  /**
   * A malformed request pipelined behind others: its raw refusal goes out once the responses
   * ahead of it are sent, so that it does not overtake them (and the connection closes after it).
   */
  refusal: RefusedRequestError | undefined;
  #controller: AbortController | undefined;

  private constructor(readonly socket: Socket) {}

  /** Registers `socket`'s state; `socket` must be a newly accepted connection. */
  static accept(socket: Socket): ClientConnection {
    const connection = new ClientConnection(socket);
    CONNECTIONS.set(socket, connection);
    return connection;
  }

  /**
   * The response owed to the latest request, if it is still owed: a parse error while that
   * request's body is incomplete is that body's.
   */
  latestOpen(): ServerResponse | undefined {
    let latest: ServerResponse | undefined;
    for (const res of this.open) latest = res;
    return latest;
  }

  /** The state of an accepted connection. */
  static of(socket: Socket): ClientConnection {
    return CONNECTIONS.get(socket)!;
  }

  /**
   * The signal of the requests this connection carries, aborted by `abort` when their client goes
   * away unanswered. One per connection, not one per request: a connection's requests come one
   * after another (or pipelined, and then they all end with it), and creating an AbortSignal costs
   * Node 20 microseconds, a measurable share of a proxied request.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      // Each request in flight listens while it waits (more than 10 when pipelined): not a leak.
      setMaxListeners(0, this.#controller.signal);
    }
    return this.#controller.signal;
  }

  /** Aborts what this connection's requests still wait for: their client closed it before being answered. */
  abort(): void {
    this.#controller?.abort(new RequestAbortedError('the client closed the connection'));
  }
}
