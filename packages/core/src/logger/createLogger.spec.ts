import { PassThrough } from 'node:stream';
import { createLogger } from './createLogger';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe(createLogger, () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it('when not on a TTY, writes JSON lines with level, message, timestamp and fields', () => {
    const out = capture();
    createLogger({ destination: out.stream, level: 'info' }).info('hello', { n: 1 });
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'hello', n: 1 });
    expect(typeof lines[0]!.timestamp).toBe('string');
  });

  it('redacts secrets at any depth, in header objects and flat header arrays, without mutating the fields', () => {
    const out = capture();
    const fields = {
      headers: { Authorization: 'Bearer s3cret', accept: 'json' },
      raw: ['x-api-key', 'k', 'accept', 'json'],
      nested: { deeper: { password: 'p', ok: 1 } },
      apiToken: 't',
      map: new Map([['cookie', 'c']]),
    };
    createLogger({ destination: out.stream }).info('req', fields);
    const line = JSON.stringify(out.lines()[0]);
    for (const secret of ['s3cret', '"k"', '"p"', '"t"', '"c"']) expect(line).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({
      headers: { Authorization: '[REDACTED]', accept: 'json' },
      raw: ['x-api-key', '[REDACTED]', 'accept', 'json'],
      nested: { deeper: { password: '[REDACTED]', ok: 1 } },
    });
    expect(fields.headers.Authorization).toBe('Bearer s3cret');
  });

  it('when a URL carries userinfo or secret query parameters, hides them in the message and in every field (issue #16)', () => {
    const out = capture();
    const url = 'http://u:SECRET@h/x?token=SECRET&page=2';
    createLogger({ destination: out.stream }).info(`GET ${url}`, { url, nested: { urls: [url] } });
    const line = out.lines()[0]!;
    expect(JSON.stringify(line)).not.toContain('SECRET');
    expect(line).toMatchObject({
      message: 'GET http://[REDACTED]@h/x?token=[REDACTED]&page=2',
      url: 'http://[REDACTED]@h/x?token=[REDACTED]&page=2',
      nested: { urls: ['http://[REDACTED]@h/x?token=[REDACTED]&page=2'] },
    });
  });

  it('when redactQueryParams is configured, hides those parameters as well as the defaults', () => {
    const out = capture();
    createLogger({ destination: out.stream, redactQueryParams: ['session'] }).info('r', {
      url: '/x?session=abc&token=hidden&page=2',
    });
    expect(out.lines()[0]).toMatchObject({ url: '/x?session=[REDACTED]&token=[REDACTED]&page=2' });
  });

  it('when an error is logged, writes its stack and its cause chain, redacted', () => {
    const out = capture();
    const root = Object.assign(new Error('connect refused to http://a:pw@db/q?password=pw'), {
      code: 'ECONNREFUSED',
    });
    const err = new Error('request failed', { cause: root });
    createLogger({ destination: out.stream }).error('boom', { error: err });
    const logged = out.lines()[0]!.error as Record<string, unknown>;
    expect(logged).toMatchObject({
      name: 'Error',
      message: 'request failed',
      cause: {
        name: 'Error',
        code: 'ECONNREFUSED',
        message: 'connect refused to http://[REDACTED]@db/q?password=[REDACTED]',
      },
    });
    expect(logged.stack).toEqual(expect.stringContaining('createLogger.spec.ts'));
    expect((logged.cause as Record<string, unknown>).stack).toEqual(
      expect.stringContaining('Error: connect refused'),
    );
    expect(JSON.stringify(logged)).not.toContain(':pw@');
  });

  it('.child() adds its fields to every line and keeps redacting', () => {
    const out = capture();
    createLogger({ destination: out.stream }).child({ agent: 'sarah' }).warn('w', { token: 'x' });
    expect(out.lines()[0]).toMatchObject({ agent: 'sarah', level: 'warn', token: '[REDACTED]' });
  });

  it('when the level is warn, drops info and debug', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.error('e');
    expect(out.lines().map((l) => l.message)).toEqual(['e']);
  });

  it('when no level is given, reads SLIPSTREAM_LOG_LEVEL then LOG_LEVEL', () => {
    process.env.SLIPSTREAM_LOG_LEVEL = 'error';
    process.env.LOG_LEVEL = 'debug';
    const out = capture();
    createLogger({ destination: out.stream }).warn('w');
    expect(out.lines()).toEqual([]);
  });

  it("when the level is 'silent', writes nothing", () => {
    const out = capture();
    createLogger({ destination: out.stream, level: 'silent' }).error('e');
    expect(out.lines()).toEqual([]);
  });

  it('when the format is pretty, writes readable lines', () => {
    const out = capture();
    const chunks: string[] = [];
    out.stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    createLogger({ destination: out.stream, format: 'pretty' }).info('hello', { n: 1 });
    expect(chunks.join('')).toMatch(/^\S+ .*info.* hello \{"n":1\}\n$/);
  });

  it('when the level is unknown, throws a ConfigError naming it', () => {
    expect(() => createLogger({ level: 'loud' as never })).toThrow(
      'level: expected one of debug, info, warn, error, silent, received "loud"',
    );
  });
});
