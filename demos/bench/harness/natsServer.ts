import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BusUnavailableError } from '@slipstream/contracts';
import { freePort } from '@slipstream/testkit';

/** A NATS server the benchmark can use, and how to let go of it. */
export interface NatsServerHandle {
  /** `host:port`. */
  server: string;
  /** Whether this process started the server (and `close()` stops it). */
  started: boolean;
  close(): Promise<void>;
}

/** How long a started server may take to accept connections, ms. */
const START_TIMEOUT_MS = 10_000;

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * The NATS server at `preferred` (`host:port`) when it accepts connections; otherwise a
 * `nats-server` started here on a free 127.0.0.1 port (rejects with `BusUnavailableError`
 * when there is no `nats-server` binary or it does not come up in 10 s).
 */
export async function useNatsServer(preferred: string): Promise<NatsServerHandle> {
  const [host = '127.0.0.1', portText = '4222'] = preferred.split(':');
  if (await canConnect(host, Number(portText))) {
    return { server: preferred, started: false, close: () => Promise.resolve() };
  }
  const port = await freePort();
  // JetStream on (the fleet configuration lives in a key-value bucket), its store in a temp dir.
  const storeDir = mkdtempSync(join(tmpdir(), 'slip-bench-nats-'));
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    stdio: 'ignore',
  });
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new BusUnavailableError(`cannot start nats-server: ${err.message}`))),
  );
  failed.catch(() => undefined); // a spawn error after start-up must not become an unhandled rejection
  const deadline = Date.now() + START_TIMEOUT_MS;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (await canConnect('127.0.0.1', port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new BusUnavailableError(`nats-server on 127.0.0.1:${port} not ready within ${START_TIMEOUT_MS} ms`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (err) {
    await stop(child);
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  return {
    server: `127.0.0.1:${port}`,
    started: true,
    close: () => stop(child).then(() => rmSync(storeDir, { recursive: true, force: true })),
  };
}
