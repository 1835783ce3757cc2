import { BREAKER_DEFAULTS } from '@slipstream/resilience';
import { breakerInForce } from './breakerInForce';

describe(breakerInForce, () => {
  it('when nothing was given, reports the resilience package defaults', () => {
    expect(breakerInForce({})).toEqual(BREAKER_DEFAULTS);
  });

  it('when settings were given, reports them over the defaults', () => {
    expect(breakerInForce({ volumeThreshold: 10, cluster: 'api' })).toEqual({
      ...BREAKER_DEFAULTS,
      volumeThreshold: 10,
      cluster: 'api',
    });
  });
});
