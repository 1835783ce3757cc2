import { ConfigError } from '@slipstream/contracts';
import { coreConfigSchema } from './coreConfigSchema';
import { parseConfig } from '@slipstream/config';

function issuesOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    expect(ConfigError.is(err)).toBe(true);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

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
      { path: 'bus.transport', expected: 'one of "in-process", "nats"', received: '"kafka" (string)' },
    ]);
  });

  it('when the drain timeout is not a positive integer, names orchestrator.drainTimeoutMs', () => {
    expect(() => parseConfig(coreConfigSchema, { orchestrator: { drainTimeoutMs: 0 } })).toThrow(
      'invalid configuration: orchestrator.drainTimeoutMs: expected number > 0, received 0 (number)',
    );
  });
});

describe('coreConfigSchema sections', () => {
  it('when a section has an unknown key, refuses it and suggests the nearest one', () => {
    expect(issuesOf(() => parseConfig(coreConfigSchema, { orchestrator: { drainTimeout: 5 } }))).toEqual([
      {
        path: 'orchestrator.drainTimeout',
        expected: 'a known key (did you mean "drainTimeoutMs"?)',
        received: 'unknown key "drainTimeout"',
      },
    ]);
  });
});
