import type { EventBus, Logger, LogFields, TopicName, TopicPayload } from '@slipstream/contracts';

/** One published event. */
export interface Published {
  topic: string;
  payload: unknown;
}

/** An in-test bus that only records what is published. */
export class FakeBus implements Pick<EventBus, 'publish'> {
  readonly published: Published[] = [];

  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): Promise<void> {
    this.published.push({ topic, payload });
    return Promise.resolve();
  }

  /** The payloads published on `topic`. */
  on(topic: string): unknown[] {
    return this.published.filter((p) => p.topic === topic).map((p) => p.payload);
  }

  /** This fake as the bus contract (only `publish` is used by the code under test). */
  asBus(): EventBus {
    return this as unknown as EventBus;
  }
}

/** One log line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: LogFields;
}

/** An in-test logger that records its lines. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
  child(): Logger {
    return this;
  }
}
