import { PayloadNotSerializableError, type Envelope } from '@slipstream/contracts';

import { MalformedMessageError } from './errors/MalformedMessageError';
import { PayloadTooLargeError } from './errors/PayloadTooLargeError';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes envelopes as UTF-8 JSON and decodes them back, refusing anything above a size limit. */
export class EnvelopeCodec {
  constructor(readonly maxPayloadBytes: number) {}

  /**
   * The wire form of `envelope`. Throws `PayloadNotSerializableError` when it cannot be JSON
   * and `PayloadTooLargeError` when it is larger than `maxPayloadBytes`.
   */
  encode(envelope: Envelope): Uint8Array {
    let json: string | undefined;
    try {
      json = JSON.stringify(envelope);
    } catch (err) {
      throw new PayloadNotSerializableError(envelope.topic, (err as Error).message, { cause: err });
    }
    if (json === undefined)
      throw new PayloadNotSerializableError(envelope.topic, 'JSON.stringify gave nothing');
    const data = encoder.encode(json);
    if (data.byteLength > this.maxPayloadBytes) {
      throw new PayloadTooLargeError(envelope.topic, data.byteLength, this.maxPayloadBytes);
    }
    return data;
  }

  /** The envelope in `data`, received on `subject`. Throws `MalformedMessageError` when it is not one. */
  decode(subject: string, data: Uint8Array): Envelope {
    if (data.byteLength > this.maxPayloadBytes) {
      throw new MalformedMessageError(subject, `${data.byteLength} bytes exceed ${this.maxPayloadBytes}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data));
    } catch (err) {
      throw new MalformedMessageError(subject, 'not UTF-8 JSON', { cause: err });
    }
    const problem = envelopeProblem(value);
    if (problem !== undefined) throw new MalformedMessageError(subject, problem);
    return value as Envelope;
  }
}

function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const key of ['id', 'topic', 'source'] as const) {
    if (typeof v[key] !== 'string') return `"${key}" is not a string`;
  }
  if (typeof v.timestamp !== 'number') return '"timestamp" is not a number';
  if (!('payload' in v)) return '"payload" is missing';
  for (const key of ['correlationId', 'replyTo'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'string') return `"${key}" is not a string`;
  }
  const trace = v.traceContext as { traceparent?: unknown; tracestate?: unknown } | null | undefined;
  if (
    trace !== undefined &&
    (typeof trace !== 'object' ||
      trace === null ||
      typeof trace.traceparent !== 'string' ||
      (trace.tracestate !== undefined && typeof trace.tracestate !== 'string'))
  ) {
    return '"traceContext" is not { traceparent: string, tracestate?: string }';
  }
  return undefined;
}
