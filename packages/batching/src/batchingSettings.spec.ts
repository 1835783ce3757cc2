import { batchingSettings } from './batchingSettings';
import { DEFAULTS, resolveBatcherOptions } from './RequestBatcherOptions';

describe(batchingSettings, () => {
  it('when nothing was given, reports the defaults, without an unlimited byte cap or the stats window', () => {
    const settings = batchingSettings(DEFAULTS);
    expect(settings).toMatchObject({ maxDelayMs: DEFAULTS.maxDelayMs, maxBatchSize: DEFAULTS.maxBatchSize });
    expect(settings).not.toHaveProperty('maxBatchBytes');
    expect(settings).not.toHaveProperty('statsWindowMs');
    expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
  });

  it('when settings were given, reports them over the defaults', () => {
    expect(batchingSettings(resolveBatcherOptions({ maxDelayMs: 7, maxBatchBytes: 4_096 }))).toMatchObject({
      maxDelayMs: 7,
      maxBatchBytes: 4_096,
      timeoutMs: DEFAULTS.timeoutMs,
    });
  });
});
