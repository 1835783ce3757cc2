import { OverloadedError, QueueTimeoutError } from '@slipstream/contracts';
import { RollingPercentile } from './RollingPercentile';
import { QosScheduler } from './QosScheduler';
import { IDLE_LOOP } from '../../test/idleLoop';

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
  /** Most requests queued in the scheduler, sampled each second, in the first and last 10 s. */
  maxQueuedFirst: number;
  maxQueuedLast: number;
  /** The concurrency limit at the end of each second of overload. */
  limits: number[];
  pendingAfterDrain: number;
}

/** Prints one run's figures (the README's table is built from them). */
function report(name: string, r: OverloadRun): void {
  const p99 = (t: Tally): number => t.latency.quantile(0.99);
  process.stdout.write(
    `${name}: critical p99 unloaded ${r.unloadedP99} ms, ` +
      `first 10 s ${p99(r.critical)} ms, last 10 s ${p99(r.steady)} ms; ` +
      `critical shed ${r.critical.overloaded + r.critical.timedOut + r.steady.overloaded + r.steady.timedOut}; ` +
      `bulk ok ${r.bulk.ok} / overloaded ${r.bulk.overloaded} / timed out ${r.bulk.timedOut}; ` +
      `max queued ${r.maxQueuedFirst} / ${r.maxQueuedLast}; limits ${r.limits.join(' ')}\n`,
  );
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
  const maxQueued = [0, 0];
  const limits: number[] = [];
  const steady = tally();
  for (let s = 0; s < 20; s++) {
    await run(1, 3, s < 10 ? critical : steady, bulk);
    const { classes, concurrencyLimits } = scheduler.stats();
    const half = s < 10 ? 0 : 1;
    maxQueued[half] = Math.max(maxQueued[half]!, classes.bulk!.queued + classes.critical!.queued);
    limits.push(concurrencyLimits.upstream!);
  }
  await jest.advanceTimersByTimeAsync(10_000);
  return {
    steady,
    unloadedP99: unloaded.latency.quantile(0.99),
    critical,
    bulk,
    maxQueuedFirst: maxQueued[0]!,
    maxQueuedLast: maxQueued[1]!,
    limits,
    pendingAfterDrain: pending,
  };
}

/**
 * The acceptance of the routing issue, for one run: critical never shed and its p99 within 2×
 * the unloaded p99 in both halves; bulk partly served, its refusals (nearly) all immediate
 * `OverloadedError`s rather than queue time-outs; the queue bounded and not growing.
 */
function expectOverloadHandled(r: OverloadRun, firstP99Factor = 2): void {
  expect(r.critical.overloaded + r.critical.timedOut + r.steady.overloaded + r.steady.timedOut).toBe(0);
  expect(r.critical.latency.quantile(0.99)).toBeLessThanOrEqual(firstP99Factor * r.unloadedP99);
  expect(r.steady.latency.quantile(0.99)).toBeLessThanOrEqual(2 * r.unloadedP99);
  expect(r.bulk.ok).toBeGreaterThan(0);
  expect(r.bulk.overloaded).toBeGreaterThanOrEqual(0.95 * (r.bulk.overloaded + r.bulk.timedOut));
  // Bulk may queue what drains within 90 % of its 5 s timeout at its ~100/s: about 450, far below maxQueue.
  expect(Math.max(r.maxQueuedFirst, r.maxQueuedLast)).toBeLessThanOrEqual(600);
  // Not growing; a queue the adaptive limit keeps near empty (it sheds the excess under congestion) may hold a
  // few more while a probe holds the limit down.
  expect(r.maxQueuedLast).toBeLessThanOrEqual(Math.max(1.25 * r.maxQueuedFirst, 10));
  expect(r.pendingAfterDrain).toBe(0);
}

describe(QosScheduler, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  describe('.acquire()', () => {
    it('when offered 2N with the limit fixed at the upstream capacity N, keeps critical p99 within 2× and sheds bulk at once', async () => {
      const scheduler = new QosScheduler({ concurrency: { enabled: false, initialLimit: 10 } });
      const r = await runOverload(scheduler);
      report('fixed', r);
      expectOverloadHandled(r);
      expect(scheduler.stats().classes.bulk!.timedOut).toBe(r.bulk.timedOut);
    });

    // An app-limited window no longer shrinks the limit (issue 12: the default must never throttle a
    // healthy upstream), so the unexercised default of 20 meets the sudden 2N and queues inside the
    // upstream until its first window closes: the first 10 s get up to 5× the unloaded p99, then 2×.
    it('when offered 2N with the adaptive limit from its default of 20, cuts the limit in the first second and keeps critical p99 within 2× after', async () => {
      const scheduler = new QosScheduler({ eventLoopUtilization: IDLE_LOOP });
      const r = await runOverload(scheduler);
      report('adaptive', r);
      expectOverloadHandled(r, 5);
      // Cut within the first second (the slow-start overshoot to 40 is undone whole): 24 after it before.
      expect(r.limits[0]).toBeLessThanOrEqual(17);
      // It settles above the upstream's N = 10 (some queueing inside it, within rttTolerance).
      expect(r.limits.at(-1)).toBeGreaterThanOrEqual(10);
      // Issue 12 (b): once latency rose with load, the excess is shed at once, not queued behind the limit (a
      // queue in the client costs as much latency as one in the upstream): about 480 queued before. In the first
      // second a few more wait (13) while the client's own excess drains after the slow-start overshoot is cut.
      expect(r.maxQueuedFirst).toBeLessThanOrEqual(20);
      expect(r.maxQueuedLast).toBeLessThanOrEqual(10);
    });

    it('when the no-load RTT is re-probed during the overload, still keeps critical p99 within 2×', async () => {
      const scheduler = new QosScheduler({
        concurrency: { probeIntervalMs: 10_000 },
        eventLoopUtilization: IDLE_LOOP,
      });
      const r = await runOverload(scheduler);
      report('adaptive, probe every 10 s', r);
      expectOverloadHandled(r, 5);
    });
  });
});
