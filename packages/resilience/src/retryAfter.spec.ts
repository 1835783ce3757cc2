import { parseRetryAfter, retryAfterMs } from './retryAfter';

describe('parseRetryAfter', () => {
  it('when given seconds, returns ms', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
  });

  it('when given an HTTP-date, returns ms from now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5_000);
  });

  it('when given garbage, returns undefined', () => {
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('reads retryAfterMs or a retry-after header from the error', () => {
    expect(retryAfterMs({ retryAfterMs: 250 }, 0)).toBe(250);
    expect(retryAfterMs({ headers: { 'retry-after': '2' } }, 0)).toBe(2_000);
    expect(retryAfterMs(new Error('x'), 0)).toBeUndefined();
  });
});
