import { NoRouteError } from '@slipstream/client';
import {
  BrokenCircuitError,
  ConnectionError,
  NoHealthyEndpointError,
  OverloadedError,
  QueueFullError,
  RequestTimeoutError,
} from '@slipstream/contracts';
import { UnknownQosClassError } from '@slipstream/routing';
import { RefusedRequestError } from '../errors/RefusedRequestError';
import { errorResponse } from './errorResponse';

describe(errorResponse, () => {
  it.each([
    [new OverloadedError('shed', 2_500), 503, 3],
    [new QueueFullError('full'), 503, 7],
    [new BrokenCircuitError('open'), 503, 7],
    [new BrokenCircuitError('open', {}, 29_001), 503, 30],
    [new BrokenCircuitError('half-open: its probe is out', {}, 0), 503, 1],
    [new NoHealthyEndpointError('none'), 503, 7],
    [new RequestTimeoutError('late'), 504, undefined],
    [new ConnectionError('reset'), 502, undefined],
    [new Error('boom'), 502, undefined],
    [new NoRouteError('no route'), 404, undefined],
    [new UnknownQosClassError('gold', ['standard']), 400, undefined],
    [new RefusedRequestError('connect', 'no'), 405, undefined],
  ])('maps %p to %p (retry-after %p)', (err, status, retryAfterSec) => {
    const answer = errorResponse(err, 7);
    expect(answer).toMatchObject({ status, retryAfterSec });
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: expect.stringMatching(/^SLIP_ERR_/) as unknown },
    });
  });
});
