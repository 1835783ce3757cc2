import {
  ConnectionError,
  OUTCOME_KINDS,
  QueueFullError,
  RequestAbortedError,
  UpstreamStatusError,
  type OutcomeKind,
} from '@slipstream/contracts';
import { EndpointState } from '@slipstream/balancer';
import { MetricsRegistry } from '@slipstream/monitor';
import {
  CircuitBreakerRegistry,
  classifyError,
  classifyStatus,
  OUTCOME_EFFECTS,
  RetryPolicy,
} from '@slipstream/resilience';
import { AdaptiveConcurrencyLimiter } from '@slipstream/routing';

/** One attempt that the classifier judges as each kind: a status (success, 4xx) or an error. */
const SAMPLES: Record<OutcomeKind, { status?: number; error?: Error; signal?: AbortSignal }> = {
  success: { status: 200 },
  upstream_failure: { error: new ConnectionError('connect ECONNREFUSED') },
  upstream_overload: { error: new UpstreamStatusError(429, 'slow down') },
  client_error: { error: new UpstreamStatusError(404, 'not found') },
  local_rejection: { error: new QueueFullError('pool queue full') },
  cancelled: { error: new RequestAbortedError('aborted'), signal: AbortSignal.abort() },
};

/** What every learner does with each kind: the table the issue asks for, stated as observed behaviour. */
const EXPECTED: Record<
  OutcomeKind,
  {
    breakerFailure: boolean;
    endpointFailure: boolean;
    ewma: 'sample' | 'penalty' | 'none';
    limiter: 'sample' | 'drop' | 'ignore';
    retried: boolean;
    monitorError: boolean;
  }
> = {
  success: {
    breakerFailure: false,
    endpointFailure: false,
    ewma: 'sample',
    limiter: 'sample',
    retried: false,
    monitorError: false,
  },
  upstream_failure: {
    breakerFailure: true,
    endpointFailure: true,
    ewma: 'penalty',
    limiter: 'ignore',
    retried: true,
    monitorError: true,
  },
  upstream_overload: {
    breakerFailure: true,
    endpointFailure: true,
    ewma: 'penalty',
    limiter: 'drop',
    retried: true,
    monitorError: false,
  },
  client_error: {
    breakerFailure: false,
    endpointFailure: false,
    ewma: 'sample',
    limiter: 'sample',
    retried: false,
    monitorError: false,
  },
  local_rejection: {
    breakerFailure: false,
    endpointFailure: false,
    ewma: 'none',
    limiter: 'ignore',
    retried: true,
    monitorError: false,
  },
  cancelled: {
    breakerFailure: false,
    endpointFailure: false,
    ewma: 'none',
    limiter: 'ignore',
    retried: false,
    monitorError: false,
  },
};

const verdict = (kind: OutcomeKind): OutcomeKind => {
  const sample = SAMPLES[kind];
  return sample.status !== undefined ? classifyStatus(sample.status) : classifyError(sample.error, sample);
};

describe('the outcome classifier and its learners', () => {
  it('covers every outcome kind', () => {
    expect(Object.keys(OUTCOME_EFFECTS).sort()).toEqual([...OUTCOME_KINDS].sort());
  });

  describe.each(OUTCOME_KINDS)('when an attempt is %s', (kind) => {
    const expected = EXPECTED[kind];

    it('the classifier gives that verdict', () => {
      expect(verdict(kind)).toBe(kind);
    });

    it(`the breaker ${expected.breakerFailure ? 'counts' : 'does not count'} a failure`, async () => {
      const breakers = new CircuitBreakerRegistry();
      const { error, signal } = SAMPLES[kind];
      const run = (): Promise<string> =>
        error === undefined ? Promise.resolve('ok') : Promise.reject(error);
      await breakers.execute('http://a:1', run, { signal }).catch(() => undefined);
      expect(breakers.stats()[0]!.failures).toBe(expected.breakerFailure ? 1 : 0);
      breakers.shutdown();
    });

    it(`outlier detection ${expected.endpointFailure ? 'counts' : 'does not count'} a failure and the peak EWMA takes ${expected.ewma}`, () => {
      const endpoint = new EndpointState('http://a:1');
      endpoint.start();
      endpoint.end({ rttMs: 20, effect: OUTCOME_EFFECTS[verdict(kind)].endpoint }, 0);
      expect(endpoint.failures).toBe(expected.endpointFailure ? 1 : 0);
      expect(endpoint.inflight).toBe(0);
      expect(endpoint.ewmaMs(0)).toBe({ sample: 20, penalty: 1_000, none: 0 }[expected.ewma]);
    });

    it(`the limiter ${expected.limiter === 'drop' ? 'cuts its limit' : expected.limiter === 'sample' ? 'learns the RTT' : 'learns nothing'}`, () => {
      const limiter = new AdaptiveConcurrencyLimiter({
        initialLimit: 100,
        minWindowSamples: 1,
        windowMs: 0,
        smoothing: 1,
        queueSize: 0,
        clock: () => 0,
        // The simulated windows are not the real event loop's: never client-bound.
        eventLoopUtilization: () => ({ idle: 1, active: 0, utilization: 0 }),
      });
      limiter.onSample({ rttMs: 10, inflight: 10 }); // sets the no-load baseline
      const effect = OUTCOME_EFFECTS[verdict(kind)].limiter;
      if (effect !== 'ignore') limiter.onSample({ rttMs: 10, inflight: 10, dropped: effect === 'drop' });
      expect(effect).toBe(expected.limiter);
      expect(limiter.limit).toBe(expected.limiter === 'drop' ? 50 : 100);
    });

    it(`the retry policy ${expected.retried ? 'retries' : 'does not retry'}`, async () => {
      const retry = new RetryPolicy({ maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 });
      const { error, signal } = SAMPLES[kind];
      let attempts = 0;
      await retry
        .execute(
          (attempt) => {
            attempts += 1;
            attempt.outcome = verdict(kind);
            return error === undefined ? Promise.resolve('ok') : Promise.reject(error);
          },
          { idempotent: true, signal: kind === 'cancelled' ? undefined : signal },
        )
        .catch(() => undefined);
      expect(attempts).toBe(error !== undefined && expected.retried ? 2 : 1);
    });

    it(`the monitor ${expected.monitorError ? 'counts' : 'does not count'} an error`, () => {
      const metrics = new MetricsRegistry({ clockResolutionMs: 0 });
      const labels = { cluster: 'c', endpoint: 'http://a:1', route: 'r', qosClass: 'standard' };
      metrics.recordRequest({ ...labels, durationMs: 1, outcome: verdict(kind) });
      expect(metrics.performance('c').errorRate).toBe(expected.monitorError ? 1 : 0);
      expect(metrics.performance('c').outcomes![kind]).toBe(1);
      metrics.close();
    });
  });

  it('a 500 is charged as an upstream failure but retried only when the route lists it in retryOn', async () => {
    const attempts = async (retryOn?: number[]): Promise<number> => {
      const retry = new RetryPolicy({ maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 });
      let n = 0;
      await retry
        .execute(
          () => {
            n += 1;
            return Promise.reject(new UpstreamStatusError(500, 'bug'));
          },
          { idempotent: true, retryOn },
        )
        .catch(() => undefined);
      return n;
    };
    expect(classifyStatus(500)).toBe('upstream_failure');
    expect(await attempts()).toBe(1);
    expect(await attempts([500])).toBe(2);
  });

  it("a 508 (Loop Detected: the request's own route loops) is a client error: no endpoint blamed, no retry", () => {
    expect(classifyStatus(508)).toBe('client_error');
    expect(classifyError(new UpstreamStatusError(508, 'loop'), {})).toBe('client_error');
    expect(classifyStatus(507)).toBe('upstream_failure');
  });

  it('a route may make a client error retryable (retryOn) through the same table', async () => {
    const retry = new RetryPolicy({ maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 });
    let attempts = 0;
    await retry
      .execute(
        () => {
          attempts += 1;
          return Promise.reject(new UpstreamStatusError(409, 'conflict'));
        },
        { idempotent: true, retryOn: [409] },
      )
      .catch(() => undefined);
    expect(attempts).toBe(2);
  });
});
