import type { Disposer, EventBus } from '@slipstream/contracts';

/** One event seen on the bus. */
export interface LoggedEvent {
  topic: string;
  payload: unknown;
}

/** Records, in order, every bus event whose topic matches `pattern` (NATS-style wildcards). */
export class EventLog {
  /** The events seen so far, oldest first. */
  readonly events: LoggedEvent[] = [];
  readonly #dispose: Disposer;

  constructor(bus: EventBus, pattern: string, filter: (payload: unknown) => boolean = () => true) {
    this.#dispose = bus.subscribe(pattern, (payload, envelope) => {
      if (filter(payload)) this.events.push({ topic: envelope.topic, payload });
    });
  }

  /** The topics seen, in order. */
  topics(): string[] {
    return this.events.map((e) => e.topic);
  }

  /** How many events of `topic` were seen. */
  count(topic: string): number {
    return this.events.filter((e) => e.topic === topic).length;
  }

  /** Stops recording. */
  close(): void {
    this.#dispose();
  }
}
