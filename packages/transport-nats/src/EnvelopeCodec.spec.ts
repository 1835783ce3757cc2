import { PayloadNotSerializableError } from '@slipstream/contracts';

import { EnvelopeCodec } from './EnvelopeCodec';
import { MalformedMessageError } from './errors/MalformedMessageError';
import { PayloadTooLargeError } from './errors/PayloadTooLargeError';

const envelope = { id: '1', topic: 'a.b', source: 's', timestamp: 1, payload: { x: 1 } };

describe(EnvelopeCodec, () => {
  const codec = new EnvelopeCodec(256);

  describe('.encode()', () => {
    it('round-trips through .decode()', () => {
      expect(codec.decode('a.b', codec.encode(envelope))).toEqual(envelope);
    });

    it('when the envelope carries a trace context, it passes through', () => {
      const traced = {
        ...envelope,
        traceContext: {
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'k=v',
        },
      };
      expect(codec.decode('a.b', codec.encode(traced))).toEqual(traced);
    });

    it('when the envelope is larger than the limit, throws PayloadTooLargeError', () => {
      expect(() => codec.encode({ ...envelope, payload: 'x'.repeat(300) })).toThrow(PayloadTooLargeError);
    });

    it('when the payload cannot be JSON, throws PayloadNotSerializableError', () => {
      expect(() => codec.encode({ ...envelope, payload: 1n })).toThrow(PayloadNotSerializableError);
    });
  });

  describe('.decode()', () => {
    it.each([
      ['bad JSON', '{'],
      ['an array', '[]'],
      ['a missing id', JSON.stringify({ ...envelope, id: undefined })],
      ['a non-numeric timestamp', JSON.stringify({ ...envelope, timestamp: 'now' })],
      ['a missing payload', JSON.stringify({ id: '1', topic: 'a', source: 's', timestamp: 1 })],
      ['too many bytes', JSON.stringify({ ...envelope, payload: 'y'.repeat(300) })],
      [
        'a trace context without traceparent',
        JSON.stringify({ ...envelope, traceContext: { tracestate: 'k=v' } }),
      ],
    ])('when given %s, throws MalformedMessageError', (_what, text) => {
      expect(() => codec.decode('a.b', new TextEncoder().encode(text))).toThrow(MalformedMessageError);
    });
  });
});
