import { ConfigError } from '@slipstream/contracts';
import { DEFAULTS } from '@slipstream/batching';
import { batchingInForce } from './batchingInForce';

describe(batchingInForce, () => {
  it('when nothing was given, reports the batching package defaults, without an unlimited byte cap', () => {
    const applied = batchingInForce({});
    expect(applied).toMatchObject({ maxDelayMs: DEFAULTS.maxDelayMs, maxBatchSize: DEFAULTS.maxBatchSize });
    expect(applied).not.toHaveProperty('maxBatchBytes');
    expect(JSON.parse(JSON.stringify(applied))).toEqual(applied);
  });

  it('when settings were given, reports them over the defaults', () => {
    expect(batchingInForce({ maxDelayMs: 7, maxBatchBytes: 4_096 })).toMatchObject({
      maxDelayMs: 7,
      maxBatchBytes: 4_096,
      timeoutMs: DEFAULTS.timeoutMs,
    });
  });

  it('when a setting is invalid, throws a ConfigError', () => {
    expect(() => batchingInForce({ maxBatchSize: 0 })).toThrow(ConfigError);
  });
});
