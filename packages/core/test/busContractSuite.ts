import {
  BusTimeoutError,
  BusUnavailableError,
  NoResponderError,
  RemoteError,
  type Envelope,
  type Logger,
  type Transport,
} from '@slipstream/contracts';
import { MessageBus } from '../src/bus/MessageBus';

/** A logger that drops every line, for tests. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/**
 * Resolves once `condition()` is true, polling every 5 ms; rejects after `timeoutMs`
 * (defaults to 5_000 ms) so a transport that never delivers fails the test instead of hanging it.
 */
export async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The event topics the contract suite publishes and subscribes to (never requests), so a transport
 * with durable topics can run the suite with each of them durable.
 */
export const CONTRACT_EVENT_TOPICS: readonly string[] = Object.freeze([
  'sarah.task',
  'contract.left',
  'contract.right',
  'contract.order',
  'contract.u',
  'contract.boom',
]);

/**
 * The contract every `Transport` must keep under a `MessageBus`. Declares its own `describe`
 * block; run it once per transport. It uses real (small) timeouts and never assumes delivery
 * is synchronous, so a networked transport can run it unchanged. Transports that
 * `makeTransport` returns within one test must reach each other (NATS: connections to one
 * server; in-process: the same instance). Closing a transport twice must be harmless.
 */
export function busContractSuite(name: string, makeTransport: () => Transport | Promise<Transport>): void {
  describe(`bus contract over ${name}`, () => {
    let transport: Transport;
    let bus: MessageBus;
    let other: MessageBus | undefined;

    beforeEach(async () => {
      transport = await makeTransport();
      await transport.connect();
      bus = new MessageBus(transport, silentLogger, { source: 'contract-a', checkSerializable: true });
    });

    afterEach(async () => {
      await other?.close();
      other = undefined;
      await bus.close();
    });

    /** A second bus on a transport of its own, so two parties talk across the medium. */
    async function secondBus(): Promise<MessageBus> {
      const t = await makeTransport();
      await t.connect();
      other = new MessageBus(t, silentLogger, { source: 'contract-b' });
      return other;
    }

    describe('.publish()', () => {
      it('delivers to every subscriber with the envelope around the payload', async () => {
        const seen: Envelope[] = [];
        bus.subscribe('sarah.task', (_p, env) => void seen.push(env));
        bus.subscribe('sarah.task', (_p, env) => void seen.push(env));
        await bus.flush();
        await bus.publish('sarah.task', { taskId: 't1', kind: 'aggregate' });
        await waitFor(() => seen.length === 2);
        expect(seen[0]).toMatchObject({
          topic: 'sarah.task',
          source: 'contract-a',
          payload: { taskId: 't1', kind: 'aggregate' },
        });
        expect(typeof seen[0]!.id).toBe('string');
        expect(typeof seen[0]!.timestamp).toBe('number');
      });

      it('when subscribers share a group, delivers each message to one of them', async () => {
        const counts = [0, 0];
        bus.subscribe('sarah.task', () => void counts[0]!++, { group: 'workers' });
        bus.subscribe('sarah.task', () => void counts[1]!++, { group: 'workers' });
        let broadcast = 0;
        bus.subscribe('sarah.task', () => void broadcast++);
        await bus.flush();
        for (let i = 0; i < 20; i++) await bus.publish('sarah.task', { taskId: `t${i}`, kind: 'aggregate' });
        await waitFor(() => broadcast === 20 && counts[0]! + counts[1]! === 20);
        expect(counts[0]! + counts[1]!).toBe(20);
      });

      it('when one group subscribes to two topics published alternately, balances each topic over its members', async () => {
        const perMember = new Map<string, number>();
        const count = (key: string) => () => void perMember.set(key, (perMember.get(key) ?? 0) + 1);
        for (const topic of ['contract.left', 'contract.right']) {
          bus.subscribe(topic, count(`${topic}#1`), { group: 'pool' });
          bus.subscribe(topic, count(`${topic}#2`), { group: 'pool' });
        }
        await bus.flush();
        for (let i = 0; i < 40; i++) {
          await bus.publish('contract.left' as never, {} as never);
          await bus.publish('contract.right' as never, {} as never);
        }
        const total = (): number => [...perMember.values()].reduce((a, b) => a + b, 0);
        await waitFor(() => total() === 80);
        for (const topic of ['contract.left', 'contract.right']) {
          expect(perMember.get(`${topic}#1`)).toBeGreaterThan(0);
          expect(perMember.get(`${topic}#2`)).toBeGreaterThan(0);
        }
      });

      it('when the payload is not JSON-serialisable, rejects with PayloadNotSerializableError', async () => {
        const payload = { taskId: 't', kind: 'aggregate', params: { fn: () => 1 } } as never;
        await expect(bus.publish('sarah.task', payload)).rejects.toMatchObject({
          code: 'SLIP_ERR_PAYLOAD_NOT_SERIALIZABLE',
          reason: '$.params.fn: function',
        });
      });

      it('preserves the order of one publisher', async () => {
        const received: number[] = [];
        bus.subscribe('contract.order', (p) => void received.push(p as number));
        await bus.flush();
        for (let i = 0; i < 500; i++) void bus.publish('contract.order' as never, i as never);
        await bus.flush();
        await waitFor(() => received.length === 500);
        expect(received).toEqual(Array.from({ length: 500 }, (_, i) => i));
      });
    });

    describe('.subscribe()', () => {
      it('when the pattern holds `*`, matches exactly one token', async () => {
        const topics: string[] = [];
        bus.subscribe('network.*', (_p, env) => void topics.push(env.topic));
        await bus.flush();
        await bus.publish('contract.x' as never, {} as never);
        await bus.publish('network.breaker.opened' as never, {} as never);
        await bus.publish('network.failover' as never, {} as never);
        await waitFor(() => topics.length >= 1);
        await bus.flush();
        await new Promise((r) => setTimeout(r, 50));
        expect(topics).toEqual(['network.failover']);
      });

      it('when the pattern ends in `>`, matches one or more trailing tokens', async () => {
        const topics: string[] = [];
        bus.subscribe('network.>', (_p, env) => void topics.push(env.topic));
        await bus.flush();
        await bus.publish('network' as never, {} as never);
        await bus.publish('network.breaker.opened' as never, {} as never);
        await bus.publish('network.failover' as never, {} as never);
        await waitFor(() => topics.length === 2);
        expect(topics).toEqual(['network.breaker.opened', 'network.failover']);
      });

      it('when the returned disposer runs, stops delivery (and a second call is harmless)', async () => {
        let a = 0;
        let b = 0;
        const dispose = bus.subscribe('contract.u', () => void a++);
        bus.subscribe('contract.u', () => void b++);
        await bus.flush();
        await bus.publish('contract.u' as never, {} as never);
        await waitFor(() => a === 1 && b === 1);
        dispose();
        dispose();
        await bus.flush();
        await bus.publish('contract.u' as never, {} as never);
        await waitFor(() => b === 2);
        expect(a).toBe(1);
      });

      it('when a subscriber throws or rejects, the others still get every message and the error is published', async () => {
        const errors: unknown[] = [];
        let healthy = 0;
        bus.subscribe('bus.handler.error', (p) => void errors.push(p));
        bus.subscribe('contract.boom', () => {
          throw new Error('sync boom');
        });
        bus.subscribe('contract.boom', () => Promise.reject(new Error('async boom')));
        bus.subscribe('contract.boom', () => void healthy++);
        await bus.flush();
        for (let i = 0; i < 3; i++) await bus.publish('contract.boom' as never, {} as never);
        await waitFor(() => healthy === 3 && errors.length === 6);
        expect(errors[0]).toMatchObject({ topic: 'contract.boom', error: { code: 'SLIP_ERR_INTERNAL' } });
      });

      it('when a bus.handler.error handler throws, does not loop', async () => {
        let calls = 0;
        bus.subscribe('bus.handler.error', () => {
          calls++;
          throw new Error('again');
        });
        bus.subscribe('contract.boom', () => {
          throw new Error('boom');
        });
        await bus.flush();
        await bus.publish('contract.boom' as never, {} as never);
        await waitFor(() => calls === 1);
        await new Promise((r) => setTimeout(r, 50));
        expect(calls).toBe(1);
      });
    });

    describe('.request()', () => {
      it('resolves with the responder value, the reply correlated to the request', async () => {
        const server = await secondBus();
        server.respond('network.optimize', (_p, env) => ({ from: env.source }) as never);
        await server.flush();
        await expect(bus.request('network.optimize', {})).resolves.toEqual({ from: 'contract-a' });
      });

      it('when several responders share the topic, exactly one answers', async () => {
        let answers = 0;
        bus.respond('network.optimize', () => (answers++, { n: 1 }) as never);
        bus.respond('network.optimize', () => (answers++, { n: 2 }) as never);
        await bus.flush();
        await bus.request('network.optimize', {});
        await new Promise((r) => setTimeout(r, 50));
        expect(answers).toBe(1);
      });

      it('when the responder throws, rejects with a RemoteError carrying its code', async () => {
        bus.respond('network.optimize', () => {
          throw new BusTimeoutError('upstream', 1);
        });
        await bus.flush();
        const err = await bus.request('network.optimize', {}).catch((e: unknown) => e);
        expect(RemoteError.is(err)).toBe(true);
        expect(err).toMatchObject({ remote: { code: 'SLIP_ERR_BUS_TIMEOUT' }, retryable: true });
      });

      it('when nobody responds, rejects with NoResponderError', async () => {
        const err = await bus.request('network.optimize', {}, { timeoutMs: 2_000 }).catch((e: unknown) => e);
        expect(NoResponderError.is(err)).toBe(true);
      });

      it('when only a plain wildcard subscriber matches (no responder), times out instead of NoResponderError, as NATS does', async () => {
        let seen = 0;
        bus.subscribe('network.*', () => void seen++);
        await bus.flush();
        const err = await bus.request('network.optimize', {}, { timeoutMs: 200 }).catch((e: unknown) => e);
        expect(BusTimeoutError.is(err)).toBe(true);
        expect(seen).toBe(1);
      });

      it('when the responder stays silent, rejects with BusTimeoutError after the timeout', async () => {
        bus.respond('network.optimize', () => new Promise<never>(() => undefined));
        await bus.flush();
        const err = await bus.request('network.optimize', {}, { timeoutMs: 200 }).catch((e: unknown) => e);
        expect(BusTimeoutError.is(err)).toBe(true);
        expect(err).toMatchObject({ topic: 'network.optimize', timeoutMs: 200 });
      });

      it('when the signal aborts, rejects with its reason', async () => {
        bus.respond('network.optimize', () => new Promise<never>(() => undefined));
        await bus.flush();
        const controller = new AbortController();
        const pending = bus.request('network.optimize', {}, { timeoutMs: 5_000, signal: controller.signal });
        const reason = new Error('cancelled');
        controller.abort(reason);
        await expect(pending).rejects.toBe(reason);
      });

      it('when the bus closes, rejects pending requests with BusUnavailableError', async () => {
        bus.respond('network.optimize', () => new Promise<never>(() => undefined));
        await bus.flush();
        const pending = bus.request('network.optimize', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
        await new Promise((r) => setTimeout(r, 20));
        await bus.close();
        expect(BusUnavailableError.is(await pending)).toBe(true);
        await expect(bus.publish('sarah.task', { taskId: 't', kind: 'aggregate' })).rejects.toMatchObject({
          code: 'SLIP_ERR_BUS_UNAVAILABLE',
        });
      });

      it('settles 10 000 concurrent requests exactly once each', async () => {
        const server = await secondBus();
        server.respond('contract.echo' as never, (p) => p);
        await server.flush();
        const settled = new Array<number>(10_000).fill(0);
        const requests = Array.from({ length: 10_000 }, (_, i) =>
          bus.request('contract.echo' as never, i as never, { timeoutMs: 20_000 }).then(
            (value) => {
              settled[i]!++;
              return value;
            },
            (err: unknown) => {
              settled[i]!++;
              throw err;
            },
          ),
        );
        const values = await Promise.all(requests);
        expect(values).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
        expect(settled.every((n) => n === 1)).toBe(true);
      }, 60_000);
    });
  });
}
