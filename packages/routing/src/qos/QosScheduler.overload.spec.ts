import { OverloadedError, QueueTimeoutError } from '@slipstream/contracts';
import { RollingPercentile } from './RollingPercentile';
import { QosScheduler } from './QosScheduler';

/**
 * A simulated upstream with `slots` workers that each take `serviceMs` per request; requests
 * beyond the slots wait in its own FIFO (queueing inside the upstream). Driven by fake timers.
 */
class SimulatedUpstream {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly slots: number,
    public serviceMs: number,
  ) {}

  call(): Promise<void> {
    return new Promise((resolve) => {
      const run = (): void => {
        this.busy++;
        setTimeout(() => {
          this.busy--;
          this.waiting.shift()?.();
          resolve();
        }, this.serviceMs);
      };
      if (this.busy < this.slots) run();
      else this.waiting.push(run);
    });
  }
}

interface Tally {
  latency: RollingPercentile;
  ok: number;
  overloaded: number;
  timedOut: number;
}

/** Measured figures of one overload run. */
interface OverloadRun {
  unloadedP99: number;
  /** Critical requests of the first 10 s of overload (the limit adapting). */
  critical: Tally;
  /** Critical requests of the last 10 s (steady state). */
  steady: Tally;
  bulk: Tally;
  maxQueued: number;
  pendingAfterDrain: number;
}

const tally = (): Tally => ({ latency: new RollingPercentile(100_000), ok: 0, overloaded: 0, timedOut: 0 });

/**
 * Drives `scheduler` against an upstream of N = 10 slots × 50 ms (capacity 200/s): first 5 s
 * of critical alone at 100/s (the unloaded p99), then 20 s of critical 100/s + bulk 300/s
 * (2× capacity), then drains. Deterministic: no randomness, fake time only. Every loop is bounded in count and fake time.
 */
async function runOverload(scheduler: QosScheduler): Promise<OverloadRun> {
  const upstream = new SimulatedUpstream(10, 50);
  let pending = 0;
  const send = (className: string, into: Tally): void => {
    const start = performance.now();
    pending++;
    scheduler
      .acquire('upstream', className)
      .then(async (permit) => {
        const sent = performance.now();
        await upstream.call();
        permit.release({ rttMs: performance.now() - sent });
        into.latency.add(performance.now() - start);
        into.ok++;
      })
      .catch((e: unknown) => {
        if (OverloadedError.is(e)) into.overloaded++;
        else if (QueueTimeoutError.is(e)) into.timedOut++;
        else throw e;
      })
      .finally(() => pending--);
  };
  /** `seconds` of 5 ms ticks: a critical every 2nd tick (100/s) and `bulkPerTwoTicks` bulk per 2 ticks. */
  const run = async (
    seconds: number,
    bulkPerTwoTicks: number,
    critical: Tally,
    bulk: Tally,
  ): Promise<void> => {
    for (let t = 0; t < (seconds * 1000) / 5; t++) {
      if (t % 2 === 0) send('critical', critical);
      const bulkNow = t % 2 === 0 ? Math.floor(bulkPerTwoTicks / 2) : Math.ceil(bulkPerTwoTicks / 2);
      for (let b = 0; b < bulkNow; b++) send('bulk', bulk);
      await jest.advanceTimersByTimeAsync(5);
    }
  };

  const unloaded = tally();
  await run(5, 0, unloaded, tally());
  const critical = tally();
  const bulk = tally();
  let maxQueued = 0;
  const steady = tally();
  for (let s = 0; s < 20; s++) {
    await run(1, 3, s < 10 ? critical : steady, bulk);
    const q = scheduler.stats().classes;
    maxQueued = Math.max(maxQueued, q.bulk!.queued + q.critical!.queued);
  }
  await jest.advanceTimersByTimeAsync(10_000);
  return {
    steady,
    unloadedP99: unloaded.latency.quantile(0.99),
    critical,
    bulk,
    maxQueued,
    pendingAfterDrain: pending,
  };
}

describe(QosScheduler, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('.acquire()', () => {
    it('when offered 2N with the limit at the upstream capacity N, keeps critical p99 within 2× and sheds bulk', async () => {
      const r = await runOverload(new QosScheduler({ concurrency: { enabled: false, initialLimit: 10 } }));
      for (const critical of [r.critical, r.steady]) {
        expect(critical.overloaded + critical.timedOut).toBe(0);
        expect(critical.latency.quantile(0.99)).toBeLessThanOrEqual(2 * r.unloadedP99);
      }
      expect(r.bulk.overloaded).toBeGreaterThan(0);
      expect(r.bulk.ok).toBeGreaterThan(0);
      // Bounded: the queues never exceed the classes' maxQueue, and everything settles.
      expect(r.maxQueued).toBeLessThanOrEqual(2_000);
      expect(r.pendingAfterDrain).toBe(0);
    });

    it('when offered 2N with the adaptive limit, keeps the steady critical p99 within 2×, sheds bulk, stays bounded', async () => {
      const scheduler = new QosScheduler();
      const r = await runOverload(scheduler);
      expect(r.critical.overloaded + r.critical.timedOut + r.steady.overloaded + r.steady.timedOut).toBe(0);
      // Once the limit has adapted (it starts at 20 = 2N, so the first seconds queue in the upstream).
      expect(r.steady.latency.quantile(0.99)).toBeLessThanOrEqual(2 * r.unloadedP99);
      expect(r.bulk.overloaded).toBeGreaterThan(0);
      expect(r.maxQueued).toBeLessThanOrEqual(2_000);
      expect(r.pendingAfterDrain).toBe(0);
      expect(scheduler.stats().concurrencyLimits.upstream).toBeGreaterThanOrEqual(10);
    });
  });
});
