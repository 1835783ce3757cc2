import type { EventBus, TopicName, TopicPayload } from '@slipstream/contracts';

/** One published event. */
export interface RecordedEvent {
  topic: TopicName;
  payload: unknown;
}

/** A bus that records what the pipeline publishes and lets a test await a topic. */
export function recordingBus(): {
  bus: EventBus;
  events: RecordedEvent[];
  next(topic: TopicName): Promise<unknown>;
} {
  const events: RecordedEvent[] = [];
  const waiters: { topic: TopicName; resolve: (payload: unknown) => void }[] = [];
  const publish = <T extends TopicName>(topic: T, payload: TopicPayload<T>): Promise<void> => {
    events.push({ topic, payload });
    for (const w of waiters.splice(0)) {
      if (w.topic === topic) w.resolve(payload);
      else waiters.push(w);
    }
    return Promise.resolve();
  };
  const next = (topic: TopicName): Promise<unknown> =>
    new Promise((resolve) => waiters.push({ topic, resolve }));
  return { bus: { publish } as unknown as EventBus, events, next };
}
