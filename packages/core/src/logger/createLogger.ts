import { ConfigError, type LogFields, type Logger } from '@slipstream/contracts';
import winston from 'winston';
import { REDACTED, SECRET_KEY, createRedactor, type Redactor } from './redactSecrets';

/** Log levels, from most to least verbose; `silent` writes nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** How lines are written: JSON lines, readable lines, or readable on a TTY and JSON otherwise. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** The least severe level written. Defaults to `SLIPSTREAM_LOG_LEVEL`, then `LOG_LEVEL`, then `info`. */
  level?: LogLevel;
  /** Line format. Defaults to `auto` (pretty on a TTY, JSON lines otherwise). */
  format?: LogFormat;
  /** Where lines go. Defaults to `process.stdout`. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Write nothing at all (tests). Defaults to false. */
  silent?: boolean;
  /**
   * Query parameters whose values are hidden wherever a URL appears in a line (message, fields,
   * error messages and stacks), besides `DEFAULT_SECRET_QUERY_PARAMS` (token, access_token,
   * api_key, key, password, secret, signature, sig, auth, code, ...), which are always hidden, as
   * is URL userinfo. Defaults to none.
   */
  redactQueryParams?: readonly string[];
}

const DEFAULTS: Readonly<{ level: LogLevel; format: LogFormat; silent: boolean }> = Object.freeze({
  level: 'info',
  format: 'auto',
  silent: false,
});

/** Replaces secrets in every line's message and fields before it is formatted. */
function redact(redactor: Redactor): winston.Logform.Format {
  return winston.format((info) => {
    for (const key of Object.keys(info)) {
      if (key === 'level') continue;
      info[key] = SECRET_KEY.test(key) ? REDACTED : redactor(info[key]);
    }
    return info;
  })();
}

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  const rest = Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields)}`;
  return `${String(timestamp)} ${level} ${String(message)}${rest}`;
});

/**
 * A `Logger` on winston: JSON lines when not on a TTY, readable lines on one; secrets
 * (authorization, token, password, secret, cookie, api key fields; URL userinfo and secret query
 * parameters in any string) redacted at any depth; errors logged with stack and `cause` chain;
 * `child(fields)` adds fields to every line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = process.env.SLIPSTREAM_LOG_LEVEL ?? process.env.LOG_LEVEL;
  const level = options.level ?? (env as LogLevel | undefined) ?? DEFAULTS.level;
  const format = options.format ?? DEFAULTS.format;
  const destination = options.destination ?? process.stdout;
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError([
      {
        path: options.level === undefined ? 'env.SLIPSTREAM_LOG_LEVEL|LOG_LEVEL' : 'level',
        expected: `one of ${LOG_LEVELS.join(', ')}`,
        received: JSON.stringify(level),
      },
    ]);
  }
  if (!['json', 'pretty', 'auto'].includes(format)) {
    throw new ConfigError([
      { path: 'format', expected: 'json, pretty or auto', received: JSON.stringify(format) },
    ]);
  }
  const readable = format === 'pretty' || (format === 'auto' && destination.isTTY === true);
  const logger = winston.createLogger({
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent' || (options.silent ?? DEFAULTS.silent),
    format: winston.format.combine(
      redact(createRedactor({ queryParams: options.redactQueryParams })),
      winston.format.timestamp(),
      ...(readable ? [winston.format.colorize(), pretty] : [winston.format.json()]),
    ),
    transports: [new winston.transports.Stream({ stream: destination })],
  });
  return wrap(logger);
}

function wrap(logger: winston.Logger): Logger {
  return {
    debug: (message: string, fields?: LogFields) => void logger.debug(message, fields),
    info: (message: string, fields?: LogFields) => void logger.info(message, fields),
    warn: (message: string, fields?: LogFields) => void logger.warn(message, fields),
    error: (message: string, fields?: LogFields) => void logger.error(message, fields),
    child: (fields: LogFields) => wrap(logger.child(fields)),
  };
}
