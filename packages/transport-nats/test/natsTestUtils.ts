import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Envelope } from '@slipstream/contracts';
import { freePort } from '@slipstream/testkit';

/** The shared test server (left alone: never stopped by a test). */
export const SHARED_NATS = process.env.NATS_URL ?? '127.0.0.1:4222';

/** A short random suffix for names on the shared server. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** An envelope for `topic` with a fresh id. */
export function envelope<P>(topic: string, payload: P, extra: Partial<Envelope<P>> = {}): Envelope<P> {
  return {
    id: randomBytes(8).toString('hex'),
    topic,
    source: 'test',
    timestamp: Date.now(),
    payload,
    ...extra,
  };
}

/** Polls `predicate` every `stepMs` until it holds or `timeoutMs` passes; rejects then. */
export async function waitFor(predicate: () => boolean, timeoutMs = 20_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A private nats-server with JetStream on a loopback port, for tests that stop or restart it. */
export class PrivateNatsServer {
  readonly storeDir = mkdtempSync(join(tmpdir(), 'slip-nats-'));
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly extraArgs: readonly string[],
  ) {}

  /**
   * Starts a server on a free port and waits until it accepts connections. `extraArgs` go to
   * `nats-server` as they are (e.g. `['--auth', token]`, the `--tls*` flags, `['-c', file]`).
   */
  static async start(extraArgs: readonly string[] = []): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), extraArgs);
    await server.start();
    return server;
  }

  /** `127.0.0.1:<port>`. */
  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** (Re)starts the server process on the same port and store. */
  async start(): Promise<void> {
    const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, ...this.extraArgs];
    this.#child = spawn(binary, args, { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    while (!(await canConnect(this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server process and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /**
   * Freezes the server process (SIGSTOP): its sockets stay open but it answers nothing. Resolves
   * once the kernel reports it stopped (the signal is delivered asynchronously, and a server
   * still running for a moment could answer the next PING); bounded: 2 s.
   */
  async pause(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    this.#child!.kill('SIGSTOP');
    for (let i = 0; i < 200 && !isStopped(pid); i++) await new Promise((r) => setTimeout(r, 10));
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether process `pid` is stopped (state `T` in `/proc/<pid>/stat`, after the command name). */
function isStopped(pid: number): boolean {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
}
