import { BusTimeoutError, NoResponderError, type Envelope } from '@slipstream/contracts';
import { busContractSuite } from '../../test/busContractSuite';
import { InProcessTransport } from './InProcessTransport';

// Every bus in one test must reach the others, so the in-process medium is one transport per test.
let medium: InProcessTransport;
beforeEach(() => {
  medium = new InProcessTransport();
});
busContractSuite('InProcessTransport', () => medium);

function envelope(topic: string, payload: unknown = {}): Envelope {
  return { id: 'e1', topic, source: 'spec', timestamp: 0, payload };
}

describe(InProcessTransport, () => {
  let transport: InProcessTransport;
  beforeEach(() => {
    transport = new InProcessTransport();
  });
  afterEach(() => transport.close());

  describe('.publish()', () => {
    it('when one group spans two topics published alternately, round-robins each topic on its own cursor', () => {
      const got: string[] = [];
      for (const topic of ['jobs.a', 'jobs.b']) {
        transport.subscribe(topic, () => void got.push(`${topic}#1`), { group: 'g' });
        transport.subscribe(topic, () => void got.push(`${topic}#2`), { group: 'g' });
      }
      for (let i = 0; i < 2; i++) {
        void transport.publish(envelope('jobs.a'));
        void transport.publish(envelope('jobs.b'));
      }
      expect(got).toEqual(['jobs.a#1', 'jobs.b#1', 'jobs.a#2', 'jobs.b#2']);
    });
  });

  describe('.request()', () => {
    afterEach(() => jest.useRealTimers());

    it('when no subscription matches, rejects with NoResponderError without waiting', async () => {
      jest.useFakeTimers();
      const err = await transport.request(envelope('nobody.home'), 60_000).catch((e: unknown) => e);
      expect(NoResponderError.is(err)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when the responder is silent, rejects with BusTimeoutError exactly at the timeout', async () => {
      jest.useFakeTimers();
      transport.subscribe('slow.topic', () => undefined);
      let outcome: unknown;
      const pending = transport.request(envelope('slow.topic'), 1_000).catch((e: unknown) => (outcome = e));
      await jest.advanceTimersByTimeAsync(999);
      expect(outcome).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await pending;
      expect(BusTimeoutError.is(outcome)).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('when the reply comes, sets replyTo on the request and clears its timer', async () => {
      jest.useFakeTimers();
      transport.subscribe('echo', (env) =>
        transport.publish({ ...env, topic: env.replyTo!, correlationId: env.id }),
      );
      const reply = await transport.request(envelope('echo', 7), 1_000);
      expect(reply).toMatchObject({ payload: 7, correlationId: 'e1' });
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('.publish()', () => {
    it('when the topic holds a wildcard, rejects with InvalidTopicError', async () => {
      await expect(transport.publish(envelope('a.*'))).rejects.toMatchObject({
        code: 'SLIP_ERR_INVALID_TOPIC',
      });
    });

    it('when a group has three members, delivers round-robin', async () => {
      const got: number[] = [];
      for (const n of [0, 1, 2]) transport.subscribe('rr', () => void got.push(n), { group: 'g' });
      for (let i = 0; i < 6; i++) await transport.publish(envelope('rr'));
      expect(got).toEqual([0, 1, 2, 0, 1, 2]);
    });

    it('when a handler throws without a bus around it, reports through onHandlerError and delivers to the others', async () => {
      const errors: unknown[] = [];
      const t = new InProcessTransport({ onHandlerError: (err) => errors.push(err) });
      let ok = 0;
      t.subscribe('x', () => {
        throw new Error('raw');
      });
      t.subscribe('x', () => void ok++);
      await t.publish(envelope('x'));
      expect(ok).toBe(1);
      expect(errors).toHaveLength(1);
      await t.close();
    });

    it('when the route cache is full, still delivers (the cache is rebuilt)', async () => {
      const t = new InProcessTransport({ routeCacheSize: 2 });
      const topics: string[] = [];
      t.subscribe('c.*', (env) => void topics.push(env.topic));
      for (const topic of ['c.a', 'c.b', 'c.c', 'c.a']) await t.publish(envelope(topic));
      expect(topics).toEqual(['c.a', 'c.b', 'c.c', 'c.a']);
      await t.close();
    });
  });

  describe('constructor', () => {
    it('when routeCacheSize is not a positive integer, throws a ConfigError naming it', () => {
      expect(() => new InProcessTransport({ routeCacheSize: 0 })).toThrow(
        'routeCacheSize: expected a positive integer, received 0',
      );
    });
  });
});
