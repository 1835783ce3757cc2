import { classifyResponse, classifyStatus } from './classifyOutcome';

describe(classifyResponse, () => {
  it("gives classifyStatus's verdict with whether the headers carry retry-after", () => {
    for (const status of [200, 304, 404, 429, 500, 502, 503, 508])
      for (const headers of [{}, { 'retry-after': '1' }])
        expect(classifyResponse(status, headers)).toBe(classifyStatus(status, 'retry-after' in headers));
  });

  it('when a 503 carries retry-after, calls it an overload; without, an upstream failure', () => {
    expect(classifyResponse(503, { 'retry-after': '2' })).toBe('upstream_overload');
    expect(classifyResponse(503, {})).toBe('upstream_failure');
  });
});
