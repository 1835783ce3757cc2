import { ConfigError } from '@slipstream/contracts';
import { join } from 'node:path';
import { ProcessStartError } from '../errors/ProcessStartError';
import { forkTsProcess, type ForkedTsProcess } from './forkTsProcess';

const ENTRY = join(__dirname, '..', '..', 'test', 'fixtures', 'forkFixtureEntry.ts');

/** Accepts `{ type: 'ready', value }`, throws on `{ type: 'failed' }`, ignores the rest. */
function readyValue(message: unknown): { value: string | null } | undefined {
  const m = message as { type: string; value?: string | null; message?: string };
  if (m.type === 'failed') throw new Error(m.message);
  return m.type === 'ready' ? { value: m.value ?? null } : undefined;
}

describe('forkTsProcess', () => {
  const started: ForkedTsProcess<unknown>[] = [];
  afterAll(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
  });

  it('when the child reports ready, resolves with its ready value, args and env passed, other messages skipped', async () => {
    const proc = await forkTsProcess(ENTRY, {
      args: ['ready'],
      env: { ...process.env, FORK_FIXTURE_VALUE: 'hello' },
      readyMessage: readyValue,
      timeoutMs: 30_000,
    });
    started.push(proc);
    expect(proc.ready).toEqual({ value: 'hello' });
    proc.child.kill('SIGTERM');
    await proc.exited;
    expect(proc.child.exitCode !== null || proc.child.signalCode !== null).toBe(true);
  }, 60_000);

  it('when readyMessage throws on a failure message, rejects with ProcessStartError and kills the child', async () => {
    const err = await forkTsProcess(ENTRY, {
      args: ['fail'],
      readyMessage: readyValue,
      label: 'fixture',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessStartError);
    expect((err as ProcessStartError).message).toBe('fixture: failed to start: port in use');
  }, 60_000);

  it('when the child exits before it is ready, rejects with ProcessStartError naming the exit code', async () => {
    await expect(forkTsProcess(ENTRY, { args: ['exit'], readyMessage: readyValue })).rejects.toThrow(
      /forkFixtureEntry\.ts: exited before it was ready \(code 3/,
    );
  }, 60_000);

  it('when the child is not ready within timeoutMs, rejects with ProcessStartError', async () => {
    await expect(
      forkTsProcess(ENTRY, { args: ['hang'], readyMessage: readyValue, timeoutMs: 1_000 }),
    ).rejects.toThrow(/not ready within 1000 ms/);
  }, 60_000);

  it('when timeoutMs is not a positive integer, throws a ConfigError before forking', async () => {
    await expect(forkTsProcess(ENTRY, { readyMessage: readyValue, timeoutMs: 0 })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
