import { ConfigError, OverloadedError, QueueTimeoutError, RequestAbortedError } from '@slipstream/contracts';
import { UnknownQosClassError } from '../errors/UnknownQosClassError';
import { TokenBucket } from '../shaping/TokenBucket';
import type { Permit } from './Permit';
import { QosScheduler, type QosSchedulerOptions } from './QosScheduler';

/** A fixed limit of `n`, for tests of ordering. */
const fixed = (n: number): QosSchedulerOptions['concurrency'] => ({ enabled: false, initialLimit: n });

/** Lets queued promise callbacks run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe(QosScheduler, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('constructor', () => {
    it('when a class is invalid, throws a ConfigError naming the field', () => {
      expect(() => new QosScheduler({ classes: [{ name: 'x', priority: 0, weight: 0 }] })).toThrow(
        /classes\[0\]\.weight/,
      );
      expect(() => new QosScheduler({ concurrency: { minLimit: 0 } })).toThrow(ConfigError);
    });
  });

  describe('.acquire()', () => {
    it('when below the limit, admits at once', async () => {
      const s = new QosScheduler({ concurrency: fixed(2) });
      const p = await s.acquire('c', 'standard');
      expect(p).toMatchObject({ cluster: 'c', className: 'standard', queuedMs: 0 });
      expect(s.stats().inflight).toEqual({ c: 1 });
    });

    it('when the class is unknown, rejects with UnknownQosClassError', async () => {
      await expect(new QosScheduler().acquire('c', 'gold')).rejects.toBeInstanceOf(UnknownQosClassError);
    });

    it('when full, serves critical first, then standard and bulk 3 : 1 by weight', async () => {
      const s = new QosScheduler({ concurrency: fixed(1) });
      const classes = [
        ...Array<string>(8).fill('bulk'),
        ...Array<string>(12).fill('standard'),
        ...Array<string>(3).fill('critical'),
      ];
      let current = await s.acquire('c', 'standard');
      const order: string[] = [];
      const granted: Permit[] = [];
      classes.forEach((cls) => void s.acquire('c', cls).then((p) => (order.push(cls), granted.push(p))));
      for (let i = 0; i < classes.length; i++) {
        current.release({ rttMs: 1 });
        await settle();
        current = granted[i]!;
      }
      expect(order.slice(0, 3)).toEqual(['critical', 'critical', 'critical']);
      const next16 = order.slice(3, 19);
      expect(next16.filter((c) => c === 'standard')).toHaveLength(12);
      expect(next16.filter((c) => c === 'bulk')).toHaveLength(4);
      expect(order).toHaveLength(classes.length);
    });

    it('when a class is at its in-flight share, it queues while another class takes the free slots at once', async () => {
      const s = new QosScheduler({
        concurrency: fixed(4),
        classes: [
          { name: 'critical', priority: 0 },
          { name: 'bulk', priority: 1, maxInflightShare: 0.5 },
        ],
      });
      const bulk = await Promise.all([s.acquire('c', 'bulk'), s.acquire('c', 'bulk')]);
      let third: Permit | undefined;
      void s.acquire('c', 'bulk').then((p) => (third = p));
      await settle();
      expect(third).toBeUndefined();
      expect(s.stats()).toMatchObject({ inflight: { c: 2 }, classes: { bulk: { queued: 1 } } });

      // Two slots stay free for critical, though bulk is queued.
      const critical = await s.acquire('c', 'critical');
      expect(critical.queuedMs).toBe(0);
      expect(s.stats().inflight).toEqual({ c: 3 });

      // A critical release does not let bulk past its share; a bulk release does.
      critical.release({ rttMs: 1 });
      await settle();
      expect(third).toBeUndefined();
      bulk[0].release({ rttMs: 1 });
      await settle();
      expect(third).toMatchObject({ className: 'bulk' });
      expect(s.stats()).toMatchObject({ inflight: { c: 2 }, classes: { bulk: { queued: 0 } } });
    });

    it('when a higher class is queued at its share, a lower class with room is admitted at once, not shed', async () => {
      const s = new QosScheduler({
        concurrency: fixed(10),
        classes: [
          { name: 'critical', priority: 0, maxInflightShare: 0.2 },
          { name: 'standard', priority: 1 },
        ],
      });
      (await s.acquire('c', 'critical')).release({ rttMs: 1_000 }); // a measured RTT: estimates apply
      await Promise.all([s.acquire('c', 'critical'), s.acquire('c', 'critical')]);
      // As many as fit in critical's queue-time estimate (2 slots, 1 s each) queue; the rest are shed.
      for (let i = 0; i < 40; i++) void s.acquire('c', 'critical').catch(() => undefined);
      expect(s.stats().inflight).toEqual({ c: 2 });
      expect(s.stats().classes['critical']!.queued).toBeGreaterThan(0);
      await expect(s.acquire('c', 'standard')).resolves.toMatchObject({ className: 'standard', queuedMs: 0 });
      expect(s.stats().inflight).toEqual({ c: 3 });
    });

    it('when setClasses raises a queued class’s share, its requests take the free slots at once', async () => {
      const bulk = (share: number) => [{ name: 'bulk', priority: 0, maxInflightShare: share }];
      const s = new QosScheduler({ concurrency: fixed(4), classes: bulk(0.25) });
      await s.acquire('c', 'bulk');
      let granted = 0;
      for (let i = 0; i < 3; i++) void s.acquire('c', 'bulk').then(() => granted++);
      await settle();
      expect(granted).toBe(0);
      s.setClasses(bulk(1));
      await settle();
      expect(granted).toBe(3);
    });

    it('when maxInflightShare is outside (0, 1], throws a ConfigError naming it', () => {
      expect(
        () => new QosScheduler({ classes: [{ name: 'bulk', priority: 0, maxInflightShare: 0 }] }),
      ).toThrow(/classes\[0\]\.maxInflightShare/);
    });

    it('when a class queue is full, sheds the newcomer with OverloadedError', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        classes: [{ name: 'bulk', priority: 0, maxQueue: 1 }],
      });
      await s.acquire('c', 'bulk');
      const queued = s.acquire('c', 'bulk');
      await expect(s.acquire('c', 'bulk')).rejects.toMatchObject({
        code: 'SLIP_ERR_OVERLOADED',
        retryable: true,
      });
      expect(s.stats().classes.bulk).toMatchObject({ queued: 1, shed: 1, admitted: 1 });
      queued.catch(() => undefined);
    });

    it('when overloaded, sheds queued bulk (lower shedOrder) to make a standard request fit', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        classes: [
          { name: 'standard', priority: 1, shedOrder: 1, queueTimeoutMs: 450 },
          { name: 'bulk', priority: 1, shedOrder: 0, queueTimeoutMs: 10_000 },
        ],
      });
      (await s.acquire('c', 'bulk')).release({ rttMs: 100 });
      await s.acquire('c', 'bulk');
      const outcome = (p: Promise<Permit>): { state: string } => {
        const o = { state: 'queued' };
        p.then(() => (o.state = 'admitted')).catch(
          (e: unknown) => (o.state = OverloadedError.is(e) ? 'shed' : 'other'),
        );
        return o;
      };
      const std = [1, 2].map(() => outcome(s.acquire('c', 'standard')));
      const bulk = [1, 2, 3, 4].map(() => outcome(s.acquire('c', 'bulk')));
      // 2 standard + 4 bulk at 1 : 1 puts a new standard 6th (600 ms); with one bulk left, 4th (400 ms).
      const last = outcome(s.acquire('c', 'standard'));
      await settle();
      expect(bulk.map((o) => o.state)).toEqual(['queued', 'shed', 'shed', 'shed']);
      expect([...std, last].map((o) => o.state)).toEqual(['queued', 'queued', 'queued']);
      expect(s.stats().classes).toMatchObject({
        bulk: { shed: 3, queued: 1 },
        standard: { shed: 0, queued: 3 },
      });
    });

    it('when shedding others would not make it fit, sheds only the newcomer', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        classes: [{ name: 'standard', priority: 0, queueTimeoutMs: 150 }],
      });
      (await s.acquire('c', 'standard')).release({ rttMs: 100 });
      await s.acquire('c', 'standard');
      const queued = s.acquire('c', 'standard');
      const err = await s.acquire('c', 'standard').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OverloadedError);
      // Measured: one queued + itself, 100 ms each at a limit of 1.
      expect((err as OverloadedError).retryAfterMs).toBe(200);
      queued.catch(() => undefined);
    });

    it('when waiting beyond the queue timeout, rejects with QueueTimeoutError and frees the slot in the queue', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        classes: [{ name: 'standard', priority: 0, queueTimeoutMs: 100 }],
      });
      await s.acquire('c', 'standard');
      const waiting = s.acquire('c', 'standard');
      jest.advanceTimersByTime(100);
      await expect(waiting).rejects.toBeInstanceOf(QueueTimeoutError);
      expect(s.stats().classes.standard).toMatchObject({ queued: 0, shed: 1, timedOut: 1 });
    });

    it('when higher priorities keep arriving, counts their measured rate against the wait and sheds at admission', async () => {
      // Limit 2, RTT 100 ms: 20/s served. Critical arrives at 10/s, so bulk drains at only 10/s.
      const s = new QosScheduler({
        concurrency: fixed(2),
        classes: [
          { name: 'critical', priority: 0 },
          { name: 'bulk', priority: 1, queueTimeoutMs: 1_000 },
        ],
        queueTimeoutHeadroom: 0,
      });
      const held: Permit[] = [];
      for (let t = 0; t < 5_000; t += 100) {
        const p = await s.acquire('c', 'critical');
        jest.advanceTimersByTime(100);
        p.release({ rttMs: 100 });
      }
      held.push(await s.acquire('c', 'bulk'), await s.acquire('c', 'bulk'));
      const outcomes = Array.from({ length: 15 }, () =>
        s.acquire('c', 'bulk').then(
          () => 'queued',
          (e: unknown) => (OverloadedError.is(e) ? 'shed' : 'other'),
        ),
      );
      await settle();
      // At 20/s, 15 would fit in 1 s; at the 10/s left by critical, about 10 do.
      const shed = s.stats().classes.bulk!.shed;
      expect(shed).toBeGreaterThanOrEqual(5);
      expect(shed).toBeLessThanOrEqual(6);
      expect(s.stats().classes.bulk!.queued).toBe(15 - shed);
      void outcomes;
      held.forEach((p) => p.release({ rttMs: 100 }));
    });

    it('when the signal aborts, removes the waiter', async () => {
      const s = new QosScheduler({ concurrency: fixed(1) });
      await s.acquire('c', 'standard');
      const ac = new AbortController();
      const waiting = s.acquire('c', 'standard', { signal: ac.signal });
      ac.abort();
      await expect(waiting).rejects.toBeInstanceOf(RequestAbortedError);
      expect(s.stats().classes.standard!.queued).toBe(0);
      await expect(s.acquire('c', 'standard', { signal: ac.signal })).rejects.toBeInstanceOf(
        RequestAbortedError,
      );
    });

    it('when a token bucket is empty, sheds with the time until a token as retry-after', async () => {
      const s = new QosScheduler({
        classes: [{ name: 'standard', priority: 0, rateLimit: { ratePerSec: 10, burst: 1 } }],
      });
      await s.acquire('c', 'standard');
      const err = await s.acquire('c', 'standard').catch((e: unknown) => e);
      expect(OverloadedError.is(err) && err.retryAfterMs).toBe(100);
      const route = new TokenBucket({ ratePerSec: 1, burst: 1 });
      jest.advanceTimersByTime(100);
      await s.acquire('c', 'standard', { bucket: route });
      jest.advanceTimersByTime(100);
      await expect(s.acquire('c', 'standard', { bucket: route })).rejects.toMatchObject({
        retryAfterMs: 900,
      });
      // Both refusals count as shed and, apart, as rate-limited (the optimizer reads them apart).
      expect(s.stats().classes.standard).toMatchObject({ shed: 2, rateLimited: 2, timedOut: 0 });
    });

    it('when a request is refused because its queue is full, takes no token (regression: refusals drained the rate)', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        clock: () => 0, // no refill: every token taken is gone
        classes: [{ name: 'bulk', priority: 0, maxQueue: 1, rateLimit: { ratePerSec: 1, burst: 3 } }],
      });
      const route = new TokenBucket({ ratePerSec: 1, burst: 3, clock: () => 0 });
      const first = await s.acquire('c', 'bulk', { bucket: route });
      const queued = s.acquire('c', 'bulk', { bucket: route });
      await expect(s.acquire('c', 'bulk', { bucket: route })).rejects.toMatchObject({
        code: 'SLIP_ERR_OVERLOADED',
        message: expect.stringContaining('full') as string,
      });
      expect(route.available(0)).toBe(1);
      first.release({ rttMs: 1 });
      (await queued).release({ rttMs: 1 });
      await expect(s.acquire('c', 'bulk', { bucket: route })).resolves.toMatchObject({ className: 'bulk' });
      expect(route.available(0)).toBe(0);
    });

    it('when a request is shed at admission by its wait estimate, takes no token', async () => {
      let now = 0;
      const s = new QosScheduler({
        concurrency: fixed(1),
        clock: () => now,
        classes: [
          { name: 'standard', priority: 0, queueTimeoutMs: 100, rateLimit: { ratePerSec: 1, burst: 5 } },
        ],
      });
      const first = await s.acquire('c', 'standard');
      now = 200;
      first.release({ rttMs: 200 }); // measured RTT 200 ms: one waiter would wait beyond 90 ms
      now = 0; // the clock never advances again, so the bucket cannot refill
      const held = await s.acquire('c', 'standard');
      await expect(s.acquire('c', 'standard')).rejects.toMatchObject({ code: 'SLIP_ERR_OVERLOADED' });
      expect(s.stats().classes.standard).toMatchObject({ admitted: 2, shed: 1, rateLimited: 0, queued: 0 });
      held.release({ rttMs: 200 });
      // 5 tokens - 2 admitted = 3 left: the shed request took none.
      for (let i = 0; i < 3; i++) (await s.acquire('c', 'standard')).release({ rttMs: 200 });
      await expect(s.acquire('c', 'standard')).rejects.toMatchObject({
        message: expect.stringContaining('rate limit') as string,
      });
    });

    it('when requests leave the queue by every way (grant, time-out, abort), the cluster admits at once again', async () => {
      const s = new QosScheduler({
        concurrency: fixed(1),
        classes: [
          { name: 'critical', priority: 0 },
          { name: 'standard', priority: 1 },
          { name: 'bulk', priority: 1, queueTimeoutMs: 100 },
        ],
      });
      const first = await s.acquire('c', 'standard');
      const controller = new AbortController();
      const aborted = s.acquire('c', 'standard', { signal: controller.signal });
      const timedOut = s.acquire('c', 'bulk');
      const granted = s.acquire('c', 'critical');
      controller.abort();
      await expect(aborted).rejects.toBeInstanceOf(RequestAbortedError);
      jest.advanceTimersByTime(100);
      await expect(timedOut).rejects.toBeInstanceOf(QueueTimeoutError);
      first.release({ rttMs: 1 });
      (await granted).release({ rttMs: 1 });
      expect(s.stats().classes.standard?.queued).toBe(0);
      await expect(s.acquire('c', 'bulk')).resolves.toMatchObject({ queuedMs: 0 });
    });
  });

  describe('.setConcurrency()', () => {
    it('when the limit rises, dispatches queued requests at once', async () => {
      const s = new QosScheduler({ concurrency: fixed(1) });
      await s.acquire('c', 'standard');
      const queued = s.acquire('c', 'standard');
      s.setConcurrency({ initialLimit: 2 });
      await expect(queued).resolves.toMatchObject({ className: 'standard' });
      expect(s.stats()).toMatchObject({ concurrencyLimits: { c: 2 }, inflight: { c: 2 } });
    });

    it('when switching to adaptive, updates the settings and keeps omitted ones', () => {
      const s = new QosScheduler({ concurrency: { enabled: false, initialLimit: 4 } });
      void s.acquire('c', 'standard');
      s.setConcurrency({ enabled: true, maxLimit: 50 });
      expect(s.concurrencySettings).toMatchObject({
        enabled: true,
        initialLimit: 4,
        maxLimit: 50,
        smoothing: 0.2,
      });
      expect(s.stats().concurrencyLimits.c).toBe(4);
      s.setConcurrency({ maxLimit: 3, initialLimit: 3 });
      expect(s.stats().concurrencyLimits.c).toBe(3);
    });

    it('when invalid, throws a ConfigError naming the field and keeps the old settings', () => {
      const s = new QosScheduler({ concurrency: fixed(4) });
      void s.acquire('c', 'standard');
      expect(() => s.setConcurrency({ minLimit: 0 })).toThrow(/adaptiveConcurrency\.minLimit/);
      expect(() => s.setConcurrency({ initialLimit: 2.5 })).toThrow(ConfigError);
      expect(s.concurrencySettings).toMatchObject({ enabled: false, initialLimit: 4, minLimit: 1 });
      expect(s.stats().concurrencyLimits.c).toBe(4);
    });
  });

  describe('.setClasses()', () => {
    it('when invalid, keeps the old classes', () => {
      const s = new QosScheduler();
      expect(() =>
        s.setClasses([
          { name: 'a', priority: 0 },
          { name: 'a', priority: 1 },
        ]),
      ).toThrow(ConfigError);
      expect(s.classNames).toEqual(['critical', 'standard', 'bulk']);
    });

    it('when a class is removed, refuses new requests of it', async () => {
      const s = new QosScheduler();
      s.setClasses([{ name: 'only', priority: 0 }]);
      await expect(s.acquire('c', 'bulk')).rejects.toBeInstanceOf(UnknownQosClassError);
      await expect(s.acquire('c', 'only')).resolves.toBeDefined();
    });
  });
});
