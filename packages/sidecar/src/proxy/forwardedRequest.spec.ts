import { forwardedRequestHeaders } from './forwardedRequest';
import { responseHeaders } from './hopByHop';

describe(forwardedRequestHeaders, () => {
  const origin = { clientAddress: '127.0.0.1', host: '127.0.0.1:15001', via: '1.1 slipstream' };

  it('drops hop-by-hop fields, those Connection names, control headers and host; keeps content-length', () => {
    const out = forwardedRequestHeaders(
      {
        connection: 'close, X-Trace',
        'x-trace': '1',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        host: 'h',
        'content-length': '3',
        'x-slipstream-cluster': 'a',
        accept: 'application/json',
      },
      origin,
    );
    expect(Object.keys(out).sort()).toEqual(
      [
        'accept',
        'content-length',
        'forwarded',
        'via',
        'x-forwarded-for',
        'x-forwarded-host',
        'x-forwarded-proto',
      ].sort(),
    );
  });

  it('appends to forwarding headers a client already sent', () => {
    const out = forwardedRequestHeaders(
      { 'x-forwarded-for': '10.0.0.1', forwarded: 'for=10.0.0.1', via: '1.1 edge' },
      { ...origin, clientAddress: '::1' },
    );
    expect(out['x-forwarded-for']).toBe('10.0.0.1, ::1');
    expect(out.forwarded).toBe('for=10.0.0.1, for="[::1]";host="127.0.0.1:15001";proto=http');
    expect(out.via).toBe('1.1 edge, 1.1 slipstream');
  });
});

describe(responseHeaders, () => {
  it('drops hop-by-hop fields and appends via', () => {
    expect(
      responseHeaders(
        { connection: 'keep-alive', 'keep-alive': 'timeout=5', 'content-type': 'text/plain' },
        'v',
      ),
    ).toEqual({
      'content-type': 'text/plain',
      via: 'v',
    });
  });
});
