import type { RequestObservation, RequestObserver } from '@slipstream/contracts';
import { fanOutObservers } from './fanOutObservers';

const REQUEST = {
  method: 'GET',
  path: '/',
  cluster: 'c',
  route: 'r',
  qosClass: 'q',
  kind: 'request',
} as const;

function observer(observation: RequestObservation, addsHeaders?: boolean): RequestObserver {
  return { addsHeaders, requestStarted: () => observation };
}

function watching(addsHeaders?: boolean): RequestObservation & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    addsHeaders,
    admitted: () => calls.push('admitted'),
    attemptStarted: () => {
      calls.push('attempt');
      return { finished: () => calls.push('attempt finished') };
    },
    finished: () => calls.push('finished'),
  };
}

const inert: RequestObservation = {
  inert: true,
  addsHeaders: false,
  admitted: () => undefined,
  attemptStarted: () => ({ finished: () => undefined }),
  finished: () => undefined,
};

describe(fanOutObservers, () => {
  it('when every observation of a request is inert, answers an inert one', () => {
    const fanOut = fanOutObservers([observer(inert, true), observer(inert)])!;
    expect(fanOut.requestStarted(REQUEST).inert).toBe(true);
  });

  it('when one observation is left besides inert ones, answers it as it is', () => {
    const live = watching(false);
    const fanOut = fanOutObservers([observer(inert, true), observer(live)])!;
    expect(fanOut.addsHeaders).toBe(true);
    expect(fanOut.requestStarted(REQUEST)).toBe(live);
  });

  it('when the one observation left would get a copy of the headers its observer does not add to, wraps it so that it gets none', () => {
    const live = watching();
    const fanOut = fanOutObservers([observer(inert, true), observer(live)])!;
    const observation = fanOut.requestStarted(REQUEST);
    expect(observation).not.toBe(live);
    expect(observation.addsHeaders).toBe(false);
    observation.admitted(0);
    observation
      .attemptStarted({ attempt: 1, endpoint: 'e', reason: 'first' }, {})
      .finished({ outcome: 'success' });
    observation.finished({ outcome: 'success', durationMs: 1, attempts: 1 });
    expect(live.calls).toEqual(['admitted', 'attempt', 'attempt finished', 'finished']);
  });

  it('when several observations are live, calls each in order', () => {
    const a = watching(false);
    const b = watching(false);
    const observation = fanOutObservers([observer(a), observer(inert), observer(b)])!.requestStarted(REQUEST);
    observation.admitted(0);
    observation.finished({ outcome: 'success', durationMs: 1, attempts: 1 });
    expect([a.calls, b.calls]).toEqual([
      ['admitted', 'finished'],
      ['admitted', 'finished'],
    ]);
  });
});
