import { ConfigError } from '@slipstream/contracts';
import { DEFAULTS, resolveBatcherOptions } from './RequestBatcherOptions';

describe('resolveBatcherOptions', () => {
  it('fills omitted fields from the defaults of the design brief', () => {
    expect(resolveBatcherOptions({})).toEqual(DEFAULTS);
    expect(DEFAULTS).toMatchObject({
      maxBatchSize: 10,
      maxDelayMs: 2,
      maxInFlightBatches: 16,
      dedupe: false,
    });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('merges over a base, keeping its other fields', () => {
    const base = resolveBatcherOptions({ maxBatchSize: 50 });
    expect(resolveBatcherOptions({ maxDelayMs: 5 }, base)).toMatchObject({ maxBatchSize: 50, maxDelayMs: 5 });
  });

  it('when a field is invalid, throws ConfigError naming the field, expected and received', () => {
    expect(() => resolveBatcherOptions({ maxBatchSize: 0 })).toThrow(ConfigError);
    expect(() => resolveBatcherOptions({ maxBatchSize: 0 })).toThrow(
      'batching.maxBatchSize: expected number > 0, received 0 (number)',
    );
  });

  it('when a key is unknown, refuses it and names the nearest valid one', () => {
    expect(() => resolveBatcherOptions({ maxBachSize: 3 } as never)).toThrow(
      'batching.maxBachSize: expected a known key (did you mean "maxBatchSize"?)',
    );
  });

  it('when several fields are invalid, names every one', () => {
    try {
      resolveBatcherOptions({
        maxDelayMs: -1,
        maxBatchBytes: 1.5,
        maxInFlightBatches: 0,
        compression: 'zstd' as never,
        compressionThresholdBytes: -1,
        timeoutMs: 0,
        statsWindowMs: NaN,
      });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(ConfigError.is(err)).toBe(true);
      expect((err as ConfigError).issues.map((i) => i.path)).toEqual([
        'batching.maxDelayMs',
        'batching.maxBatchBytes',
        'batching.maxInFlightBatches',
        'batching.compression',
        'batching.compressionThresholdBytes',
        'batching.timeoutMs',
        'batching.statsWindowMs',
      ]);
      expect((err as ConfigError).issues[3]).toMatchObject({ received: '"zstd" (string)' });
    }
  });
});
