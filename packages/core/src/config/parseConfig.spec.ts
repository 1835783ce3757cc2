import { ConfigError } from '@slipstream/contracts';
import { z } from 'zod';
import { coreConfigSchema } from './coreConfigSchema';
import { parseConfig } from './parseConfig';

function issuesOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(ConfigError.is(err)).toBe(true);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe(parseConfig, () => {
  it('when the input is valid, returns it with defaults applied', () => {
    const schema = z.object({ port: z.number().default(80), host: z.string() });
    expect(parseConfig(schema, { host: 'h' })).toEqual({ port: 80, host: 'h' });
  });

  it('when a field has the wrong type, names its dotted path, what was expected and what was received', () => {
    const schema = z.object({ pool: z.object({ connections: z.number().int().positive() }) });
    expect(issuesOf(() => parseConfig(schema, { pool: { connections: 'ten' } }))).toEqual([
      { path: 'pool.connections', expected: 'number', received: '"ten"' },
    ]);
  });

  it('when a number is out of range or a value not in the enum, says so', () => {
    const schema = z.object({
      n: z.number().positive(),
      mode: z.enum(['a', 'b']),
      list: z.array(z.string()).min(1),
    });
    expect(issuesOf(() => parseConfig(schema, { n: -1, mode: 'c', list: [] }))).toEqual([
      { path: 'n', expected: 'number > 0', received: '-1' },
      { path: 'mode', expected: 'one of "a", "b"', received: '"c"' },
      { path: 'list', expected: 'array >= 1 (length)', received: '[]' },
    ]);
  });

  it('when a secret-named field is invalid, does not render its value', () => {
    const schema = z.object({ auth: z.object({ token: z.string().min(10) }) });
    expect(issuesOf(() => parseConfig(schema, { auth: { token: 'short' } }))).toEqual([
      { path: 'auth.token', expected: 'string >= 10 (length)', received: '[REDACTED]' },
    ]);
  });
});

describe('coreConfigSchema', () => {
  it('when empty, applies every documented default', () => {
    const config = parseConfig(coreConfigSchema, {});
    expect(config.nodeId).toMatch(/-\d+$/);
    expect({ ...config, nodeId: 'n' }).toEqual({
      log: { format: 'auto' },
      nodeId: 'n',
      bus: { transport: 'in-process', requestTimeoutMs: 5_000 },
      discovery: {},
      orchestrator: { drainTimeoutMs: 10_000 },
    });
  });

  it('when the transport is nats, requires servers and keeps extra fields', () => {
    const config = parseConfig(coreConfigSchema, {
      bus: { transport: 'nats', servers: ['nats://127.0.0.1:4222'], maxReconnectAttempts: 3 },
      network: { anything: true },
    });
    expect(config.bus).toEqual({
      transport: 'nats',
      servers: ['nats://127.0.0.1:4222'],
      maxReconnectAttempts: 3,
      requestTimeoutMs: 5_000,
    });
    expect(config.network).toEqual({ anything: true });
    expect(issuesOf(() => parseConfig(coreConfigSchema, { bus: { transport: 'nats' } }))).toEqual([
      { path: 'bus.servers', expected: 'array', received: 'undefined' },
    ]);
  });

  it('when the transport is unknown, names bus.transport and the accepted values', () => {
    expect(issuesOf(() => parseConfig(coreConfigSchema, { bus: { transport: 'kafka' } }))).toEqual([
      { path: 'bus.transport', expected: 'one of "in-process", "nats"', received: '"kafka"' },
    ]);
  });

  it('when the drain timeout is not a positive integer, names orchestrator.drainTimeoutMs', () => {
    expect(() => parseConfig(coreConfigSchema, { orchestrator: { drainTimeoutMs: 0 } })).toThrow(
      'invalid configuration: orchestrator.drainTimeoutMs: expected number > 0, received 0',
    );
  });
});
