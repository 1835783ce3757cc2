import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jetstreamManager } from '@nats-io/jetstream';

import { RecordingLogger } from '../test/RecordingLogger';
import { SHARED_NATS, envelope, uniqueSuffix, waitFor } from '../test/natsTestUtils';
import { connectNats } from './connectNats';
import { NatsTransport } from './NatsTransport';

const suffix = uniqueSuffix();
const namespace = `slipd${suffix}`;
const streamName = `SLIPD_${suffix}`;
const dir = mkdtempSync(join(tmpdir(), 'slip-durable-'));
const out = join(dir, 'processed.txt');
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = fork(join(__dirname, '../test/durableWorker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NATS_URL: SHARED_NATS,
      SLIP_NAMESPACE: namespace,
      SLIP_STREAM: streamName,
      SLIP_OUT: out,
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

function processedIds(): Set<string> {
  if (!existsSync(out)) return new Set();
  return new Set(
    readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ')[0] ?? ''),
  );
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterAll(async () => {
  await Promise.all(children.map(killed));
  const nc = await connectNats({ servers: SHARED_NATS });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(streamName).catch(() => false);
  await nc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(NatsTransport, () => {
  describe('durable topics', () => {
    it('when commands are published while the consumer process is down and it is SIGKILLed mid-run, processes every one after restart', async () => {
      const publisher = new NatsTransport(
        { servers: [SHARED_NATS], namespace, streamName, name: 'publisher', durableTopics: ['dur.task'] },
        new RecordingLogger(),
      );
      await publisher.connect();
      const N = 1_000;
      const ids: string[] = [];
      for (let sent = 0; sent < N; sent += 250) {
        await Promise.all(
          Array.from({ length: 250 }, (_, i) => {
            const e = envelope('dur.task', { n: sent + i });
            ids.push(e.id);
            return publisher.publish(e);
          }),
        );
      }
      await publisher.close();

      const first = startWorker();
      await waitFor(() => processedIds().size >= 100, 60_000, 10);
      await killed(first);
      const beforeRestart = processedIds().size;
      expect(beforeRestart).toBeLessThan(N);

      startWorker();
      await waitFor(() => processedIds().size === N, 90_000, 50);
      const processed = processedIds();
      expect(ids.every((id) => processed.has(id))).toBe(true);
    }, 150_000);
  });
});
