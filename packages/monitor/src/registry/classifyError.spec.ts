import {
  BrokenCircuitError,
  ConnectionError,
  OverloadedError,
  QueueFullError,
  QueueTimeoutError,
  RequestAbortedError,
  RequestTimeoutError,
  UpstreamStatusError,
} from '@slipstream/contracts';
import { classifyError, classifyStatus } from './classifyError';

describe('classifyStatus', () => {
  it('when 2xx/3xx, is a success', () => {
    expect(classifyStatus(200)).toBeUndefined();
    expect(classifyStatus(304)).toBeUndefined();
  });
  it('when 4xx or 5xx, names the class', () => {
    expect(classifyStatus(404)).toBe('4xx');
    expect(classifyStatus(503)).toBe('5xx');
  });
});

describe('classifyError', () => {
  it.each([
    [new RequestTimeoutError('t'), 'timeout'],
    [new ConnectionError('c'), 'connect'],
    [new BrokenCircuitError('b'), 'breakerOpen'],
    [new OverloadedError('o', 10), 'shed'],
    [new QueueFullError('q'), 'shed'],
    [new QueueTimeoutError('q'), 'shed'],
    [new RequestAbortedError('a'), 'aborted'],
    [new UpstreamStatusError(502, 'x'), '5xx'],
    [new UpstreamStatusError(429, 'x'), '4xx'],
  ])('when %s, reads the kind from the code', (err, kind) => {
    expect(classifyError(err)).toBe(kind);
  });

  it('when an undici or socket error, reads its code', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('timeout');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('connect');
  });

  it('when the message says timeout but the code does not, ignores the message', () => {
    expect(classifyError(new Error('timeout'))).toBe('other');
  });

  it('when an AbortError or not an object, says so', () => {
    expect(classifyError(new DOMException('x', 'AbortError'))).toBe('aborted');
    expect(classifyError('boom')).toBe('other');
  });
});
