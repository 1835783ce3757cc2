import { runMultiprocessDemo } from './driver/runMultiprocessDemo';

const servers = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];

describe('runMultiprocessDemo', () => {
  it('when Sarah’s process is SIGKILLed mid-run and restarted, every durable sarah.task completes (none lost) and her node is reported offline', async () => {
    const report = await runMultiprocessDemo({
      servers,
      tasks: 100,
      timeoutMs: 30_000,
      startTimeoutMs: 20_000,
    });
    expect(report).toMatchObject({ published: 100, unconfirmed: 0, failed: 0 });
    expect(report.completedAtKill).toBeLessThan(100);
    expect(report.completed).toBe(100);
    expect(report.lost).toBe(0);
    expect(report.completions).toBe(report.completed + report.redelivered);
    expect(report.offlineReported).toBe(true);
  }, 90_000);
});
