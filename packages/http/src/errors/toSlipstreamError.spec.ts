import {
  ConnectionError,
  MalformedResponseError,
  SlipstreamError,
  StreamResetError,
} from '@slipstream/contracts';
import { errors } from 'undici';
import { isConnectionLoss, toSlipstreamError } from './toSlipstreamError';

describe('toSlipstreamError', () => {
  describe('when undici dropped an HTTP/2 stream without a response (UND_ERR_INFO)', () => {
    // The review of #18 saw "HTTP/2: stream half-closed (remote)" surface as an untyped SLIP_ERR_INTERNAL.
    const halfClosed = new errors.InformationalError('HTTP/2: stream half-closed (remote)');

    it('is a StreamResetError, retryable only for an idempotent request', () => {
      const idempotent = toSlipstreamError(halfClosed, true);
      expect(StreamResetError.is(idempotent)).toBe(true);
      expect(idempotent).toMatchObject({ retryable: true, cause: halfClosed });
      expect(toSlipstreamError(halfClosed, false)).toMatchObject({
        code: 'SLIP_ERR_STREAM_RESET',
        retryable: false,
      });
    });

    it('counts as a lost connection (the pool replays it), unlike an RST_STREAM the upstream sent', () => {
      expect(isConnectionLoss(halfClosed)).toBe(true);
      expect(isConnectionLoss(new errors.SocketError('other side closed'))).toBe(true);
      const rst = Object.assign(new Error('Stream closed with error code NGHTTP2_INTERNAL_ERROR'), {
        code: 'ERR_HTTP2_STREAM_ERROR',
      });
      expect(isConnectionLoss(rst)).toBe(false);
      expect(StreamResetError.is(toSlipstreamError(rst, true))).toBe(true);
    });
  });

  it('maps a socket failure to a ConnectionError and leaves unknown errors untyped', () => {
    expect(ConnectionError.is(toSlipstreamError(new errors.SocketError('closed'), true))).toBe(true);
    expect(toSlipstreamError(new Error('boom'), true)).toMatchObject({ code: SlipstreamError.code });
  });

  it('maps a response undici refused itself (a 100 Continue: "bad response") to a MalformedResponseError, not a lost connection', () => {
    for (const refused of [new errors.SocketError('bad response'), new errors.SocketError('bad upgrade')]) {
      expect(isConnectionLoss(refused)).toBe(false);
      const err = toSlipstreamError(refused, true);
      expect(MalformedResponseError.is(err)).toBe(true);
      expect(err).toMatchObject({ retryable: false, cause: refused });
    }
  });
});
