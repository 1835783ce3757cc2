import {
  BusTimeoutError,
  RemoteError,
  type DeliveryInfo,
  type Envelope,
  type Transport,
  type TransportHandler,
} from '@slipstream/contracts';
import { silentLogger } from '../../test/busContractSuite';
import { InProcessTransport } from './InProcessTransport';
import { MessageBus } from './MessageBus';

describe(MessageBus, () => {
  let bus: MessageBus;
  beforeEach(() => {
    bus = new MessageBus(new InProcessTransport(), silentLogger, { source: 'spec', requestTimeoutMs: 3_000 });
  });
  afterEach(async () => {
    jest.useRealTimers();
    await bus.close();
  });

  describe('.request()', () => {
    it('when the call names no timeout and the responder is silent, rejects with BusTimeoutError at requestTimeoutMs', async () => {
      jest.useFakeTimers();
      bus.respond('network.optimize', () => new Promise<never>(() => undefined));
      let outcome: unknown;
      const pending = bus.request('network.optimize', {}).catch((e: unknown) => (outcome = e));
      await jest.advanceTimersByTimeAsync(2_999);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      expect(BusTimeoutError.is(outcome)).toBe(true);
      expect(outcome).toMatchObject({ timeoutMs: 3_000 });
    });

    it('when the responder returns something JSON cannot carry, the requester gets a RemoteError saying so', async () => {
      bus.respond('network.optimize', () => ({ at: new Date(0) }) as never);
      const err = await bus.request('network.optimize', {}).catch((e: unknown) => e);
      expect(RemoteError.is(err)).toBe(true);
      expect((err as RemoteError).remote).toMatchObject({
        code: 'SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE',
        message: 'payload on "network.optimize" is not JSON-serialisable: $.at: instance of Date',
      });
    });

    it('when an async responder rejects, the requester gets a RemoteError with its code', async () => {
      bus.respond('network.optimize', () => Promise.reject(new BusTimeoutError('deep', 5)));
      await expect(bus.request('network.optimize', {})).rejects.toMatchObject({
        code: 'SLIP_ERR_REMOTE',
        remote: { code: 'SLIP_ERR_BUS_TIMEOUT' },
      });
    });

    it('when an async responder resolves, the requester gets its value', async () => {
      bus.respond('network.optimize', () => Promise.resolve({ done: true } as never));
      await expect(bus.request('network.optimize', {})).resolves.toEqual({ done: true });
    });

    it('when the reply cannot be sent (over the transport’s size limit), the requester gets that error at once, not a timeout', async () => {
      /** An in-process transport that refuses envelopes above 1 000 bytes of JSON, as NATS refuses 1 MiB. */
      class LimitedTransport extends InProcessTransport {
        override publish(envelope: Envelope): Promise<void> {
          if (JSON.stringify(envelope).length > 1_000)
            return Promise.reject(
              Object.assign(new Error('too large'), { code: 'SLIP_ERR_PAYLOAD_TOO_LARGE' }),
            );
          return super.publish(envelope);
        }
      }
      const limited = new MessageBus(new LimitedTransport(), silentLogger, {
        source: 'spec',
        requestTimeoutMs: 3_000,
      });
      try {
        limited.respond('network.optimize', () => ({ big: 'x'.repeat(2_000) }) as never);
        const started = performance.now();
        const err = await limited.request('network.optimize', {}).catch((e: unknown) => e);
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(RemoteError.is(err)).toBe(true);
        expect((err as RemoteError).remote).toMatchObject({ code: 'SLIP_ERR_PAYLOAD_TOO_LARGE' });
      } finally {
        await limited.close();
      }
    });

    it('when the request payload is not serialisable, rejects before sending', async () => {
      let calls = 0;
      bus.respond('network.optimize', () => (calls++, {}) as never);
      const payload = { n: 10n } as never;
      await expect(bus.request('network.optimize', payload)).rejects.toMatchObject({
        reason: '$.n: bigint',
      });
      expect(calls).toBe(0);
    });
  });

  describe('.publish()', () => {
    it('when checkSerializable is off, lets any payload through', async () => {
      const fast = new MessageBus(new InProcessTransport(), silentLogger, { checkSerializable: false });
      const seen: unknown[] = [];
      fast.subscribe('x.y', (p) => void seen.push(p));
      const fn = (): number => 1;
      await fast.publish('x.y' as never, { fn } as never);
      expect(seen).toEqual([{ fn }]);
      await fast.close();
    });

    it('names the failing path for cycles, non-finite numbers and undefined array items', async () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      await expect(bus.publish('x.y' as never, cyclic as never)).rejects.toMatchObject({
        reason: '$.self: circular reference',
      });
      await expect(bus.publish('x.y' as never, { n: [1, NaN] } as never)).rejects.toMatchObject({
        reason: '$.n[1]: non-finite number NaN',
      });
      await expect(bus.publish('x.y' as never, [undefined] as never)).rejects.toMatchObject({
        reason: '$[0]: undefined',
      });
      await expect(
        bus.publish('x.y' as never, { optional: undefined, ok: null } as never),
      ).resolves.toBeUndefined();
    });
  });

  describe('.subscribe()', () => {
    it('when the delivery is durable and the handler rejects, reports it and rejects to the transport so it redelivers', async () => {
      let handler: TransportHandler | undefined;
      const transport: Transport = {
        name: 'fake',
        connect: () => Promise.resolve(),
        publish: () => Promise.resolve(),
        subscribe: (_p, h) => ((handler = h), () => undefined),
        request: () => Promise.reject(new Error('unused')),
        flush: () => Promise.resolve(),
        close: () => Promise.resolve(),
      };
      const errors: unknown[] = [];
      const logger = { ...silentLogger, error: (_m: string, f?: unknown) => void errors.push(f) };
      const durableBus = new MessageBus(transport, logger, { source: 'spec' });
      durableBus.subscribe('x.y', () => Promise.reject(new Error('try again')));
      const envelope: Envelope = { id: '1', topic: 'x.y', source: 's', timestamp: 0, payload: {} };
      const durable: DeliveryInfo = { attempt: 1, durable: true };
      await expect(handler!(envelope, durable)).rejects.toThrow('try again');
      await expect(handler!(envelope, { attempt: 1, durable: false })).resolves.toBeUndefined();
      expect(errors).toHaveLength(2);
      await durableBus.close();
    });
  });

  describe('constructor', () => {
    it('when requestTimeoutMs is not positive, throws a ConfigError naming it', () => {
      expect(() => new MessageBus(new InProcessTransport(), silentLogger, { requestTimeoutMs: 0 })).toThrow(
        'requestTimeoutMs: expected a positive number of ms, received 0',
      );
    });
  });
});
