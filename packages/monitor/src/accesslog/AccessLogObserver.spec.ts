import type { ObservedRequest } from '@slipstream/contracts';
import { RecordingLogger } from '../test/fakes';
import { ACCESS_LOG_MESSAGE, AccessLogObserver } from './AccessLogObserver';

const REQUEST: ObservedRequest = {
  method: 'GET',
  path: '/users?id=1',
  cluster: 'users',
  route: 'r1',
  qosClass: 'standard',
  kind: 'request',
};
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function run(observer: AccessLogObserver): void {
  const o = observer.requestStarted(REQUEST);
  o.admitted(2);
  o.attemptStarted(
    { attempt: 1, endpoint: 'http://a:1', reason: 'first' },
    { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
  ).finished({ outcome: 'success', status: 200 });
  o.finished({
    outcome: 'success',
    status: 200,
    durationMs: 12.5,
    attempts: 1,
    endpoint: 'http://a:1',
    bytesOutWire: 0,
    bytesInWire: 64,
  });
}

describe('AccessLogObserver', () => {
  it('when a request finishes, writes one structured line with its route, cluster, endpoint, status, outcome, duration, attempts, bytes and trace id', () => {
    const logger = new RecordingLogger();
    run(new AccessLogObserver(logger));
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: ACCESS_LOG_MESSAGE,
        fields: {
          method: 'GET',
          path: '/users?id=1',
          route: 'r1',
          cluster: 'users',
          qosClass: 'standard',
          endpoint: 'http://a:1',
          status: 200,
          outcome: 'success',
          durationMs: 12.5,
          queueWaitMs: 2,
          attempts: 1,
          bytesOut: 0,
          bytesIn: 64,
          traceId: TRACE_ID,
        },
      },
    ]);
  });

  it('when sampleRate is 0.25, logs the requests whose draw falls below it', () => {
    const logger = new RecordingLogger();
    const draws = [0.1, 0.3, 0.24, 0.9];
    const observer = new AccessLogObserver(logger, { sampleRate: 0.25, random: () => draws.shift()! });
    for (let i = 0; i < 4; i++) run(observer);
    expect(logger.lines).toHaveLength(2);
    expect(() => new AccessLogObserver(logger, { sampleRate: 2 })).toThrow(/accessLog\.sampleRate/);
  });
});
