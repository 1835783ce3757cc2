/** Structured log fields. Secrets in them (authorization, token, password...) are redacted by the logger. */
export type LogFields = Record<string, unknown>;

/** The logging contract every agent and package writes to. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line, e.g. `{ agent: 'sarah' }`. */
  child(fields: LogFields): Logger;
}
