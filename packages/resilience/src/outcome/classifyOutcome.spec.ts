import {
  ConnectionError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
} from '@slipstream/contracts';
import { classifyAttemptError, classifyError, classifyResponse, classifyStatus } from './classifyOutcome';

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

describe(classifyAttemptError, () => {
  const passed = { deadline: Date.now() - 1_000 };

  it("charges an attempt's own timeout at the overall deadline to the endpoint (classifyError calls it a cancellation)", () => {
    const timeout = new RequestTimeoutError('no response within 300 ms');
    expect(classifyAttemptError(timeout, passed)).toBe('upstream_failure');
    expect(classifyError(timeout, passed)).toBe('cancelled');
  });

  it('calls a timeout that ran out before the request reached a connection (unsent) a local rejection, at the deadline or before', () => {
    const unsent = new RequestTimeoutError('no connection within 300 ms', undefined, true);
    expect(classifyAttemptError(unsent, passed)).toBe('local_rejection');
    expect(classifyAttemptError(unsent, { deadline: Date.now() + 60_000 })).toBe('local_rejection');
    expect(classifyError(unsent)).toBe('local_rejection');
  });

  it("keeps the caller's abort a cancellation, even when it cut the attempt with a timeout", () => {
    const context = { ...passed, signal: AbortSignal.abort() };
    expect(classifyAttemptError(new RequestTimeoutError('no response within 300 ms'), context)).toBe(
      'cancelled',
    );
  });

  it('judges every other error as classifyError does', () => {
    for (const error of [
      new QueueFullError('full'),
      new ConnectionError('reset'),
      new RequestAbortedError('aborted'),
    ])
      for (const context of [undefined, passed, { deadline: Date.now() + 60_000 }])
        expect(classifyAttemptError(error, context)).toBe(classifyError(error, context));
  });
});
