import type { EventBus, TopicName, TopicPayload } from '@slipstream/contracts';

/** The part of the bus this package needs: publishing events. */
export type EventPublisher = Pick<EventBus, 'publish'>;

/**
 * Publishes an event without letting the bus fail the caller: routing decisions are made on
 * the request path, and a bus that is closed or disconnected must not turn them into errors.
 */
export function publishEvent<T extends TopicName>(
  bus: EventPublisher | undefined,
  topic: T,
  payload: TopicPayload<T>,
): void {
  bus?.publish(topic, payload).catch(() => undefined);
}
