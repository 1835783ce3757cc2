import { BusUnavailableError } from '@slipstream/contracts';

/** A publish held while the connection is down. */
interface Held {
  bytes: number;
  send: () => Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Counters of a `PublishBuffer`, measured since it was created. */
export interface PublishBufferStats {
  /** Publishes held now. */
  held: number;
  /** Bytes held now. */
  heldBytes: number;
  /** Publishes accepted into the buffer. */
  buffered: number;
  /** Held publishes sent after the connection came back and confirmed. */
  flushed: number;
  /** Publishes refused because the buffer was full, or failed after replay, or dropped at close. */
  rejected: number;
}

/**
 * Holds publishes while the NATS connection is down, within a bound of messages and bytes,
 * and replays them in order once it is back. A publish beyond the bound rejects at once with
 * `BusUnavailableError`; every held publish ends either sent or rejected, none dropped silently.
 */
export class PublishBuffer {
  readonly #maxMessages: number;
  readonly #maxBytes: number;
  #held: Held[] = [];
  #heldBytes = 0;
  #buffered = 0;
  #flushed = 0;
  #rejected = 0;

  constructor(maxMessages: number, maxBytes: number) {
    this.#maxMessages = maxMessages;
    this.#maxBytes = maxBytes;
  }

  /** Holds `send` until `replay()`; resolves when it was sent, rejects when refused or failed. */
  hold(topic: string, bytes: number, send: () => Promise<void>): Promise<void> {
    if (this.#held.length + 1 > this.#maxMessages || this.#heldBytes + bytes > this.#maxBytes) {
      this.#rejected += 1;
      return Promise.reject(
        new BusUnavailableError(
          `disconnected and the publish buffer is full (${this.#held.length} messages, ${this.#heldBytes} bytes); "${topic}" not sent`,
        ),
      );
    }
    this.#buffered += 1;
    this.#heldBytes += bytes;
    return new Promise<void>((resolve, reject) => this.#held.push({ bytes, send, resolve, reject }));
  }

  /** Sends every held publish in order; each one's promise settles with its own outcome. */
  replay(): void {
    const held = this.#take();
    for (const h of held) {
      h.send().then(
        () => {
          this.#flushed += 1;
          h.resolve();
        },
        (err: unknown) => {
          this.#rejected += 1;
          h.reject(err);
        },
      );
    }
  }

  /** Rejects every held publish with `BusUnavailableError` (the transport is closing). */
  rejectAll(reason: string): void {
    for (const h of this.#take()) {
      this.#rejected += 1;
      h.reject(new BusUnavailableError(reason));
    }
  }

  /** Counters measured so far. */
  stats(): PublishBufferStats {
    return {
      held: this.#held.length,
      heldBytes: this.#heldBytes,
      buffered: this.#buffered,
      flushed: this.#flushed,
      rejected: this.#rejected,
    };
  }

  #take(): Held[] {
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    return held;
  }
}
