import { freePort } from '@slipstream/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A reverse proxy from Debian (HAProxy, nginx) run by the bench on loopback, in front of one upstream. */
export class ExternalProxy {
  private constructor(
    /** Where it listens, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  /** The pid of its main process (its workers are children of it). */
  get pid(): number {
    return this.child.pid!;
  }

  /** HAProxy (one thread) with keep-alive to `upstream` (an origin). */
  static haproxy(upstream: string): Promise<ExternalProxy> {
    return ExternalProxy.start('haproxy', (dir, port) => {
      const file = join(dir, 'haproxy.cfg');
      writeFileSync(
        file,
        [
          'global',
          '  nbthread 1',
          '  maxconn 4096',
          'defaults',
          '  mode http',
          '  timeout connect 5s',
          '  timeout client 30s',
          '  timeout server 30s',
          '  option http-keep-alive',
          'frontend bench',
          `  bind 127.0.0.1:${port}`,
          '  default_backend upstream',
          'backend upstream',
          '  http-reuse always',
          `  server s1 ${new URL(upstream).host}`,
          '',
        ].join('\n'),
      );
      return ['-db', '-f', file];
    });
  }

  /** nginx (one worker) with a keep-alive upstream block to `upstream` (an origin). */
  static nginx(upstream: string): Promise<ExternalProxy> {
    return ExternalProxy.nginxWith([
      `  upstream u { server ${new URL(upstream).host}; keepalive 64; }`,
      '  server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } }',
    ]);
  }

  /**
   * nginx (one worker) answering every request itself with `body` (200, `application/json`),
   * keeping connections for as long and as many requests as a bench run lasts: an upstream that
   * costs a client-side benchmark less CPU per request than the clients it serves.
   */
  static nginxAnswering(body: string): Promise<ExternalProxy> {
    return ExternalProxy.nginxWith([
      '  keepalive_timeout 300s;',
      '  keepalive_requests 100000000;',
      `  server { listen 127.0.0.1:$PORT; location / { default_type application/json; return 200 '${body}'; } }`,
    ]);
  }

  /** nginx (one worker, no access log, its files in its own folder) with `http` inside its `http` block (`$PORT`: the port it listens on). */
  private static nginxWith(http: readonly string[]): Promise<ExternalProxy> {
    return ExternalProxy.start('nginx', (dir, port) => {
      const file = join(dir, 'nginx.conf');
      writeFileSync(
        file,
        [
          'daemon off;',
          'user root;',
          'worker_processes 1;',
          `pid ${dir}/nginx.pid;`,
          `error_log ${dir}/error.log warn;`,
          'events { worker_connections 4096; }',
          'http {',
          '  access_log off;',
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
          ...http.map((line) => line.replace('$PORT', String(port))),
          '}',
          '',
        ].join('\n'),
      );
      return ['-p', dir, '-c', file, '-e', `${dir}/error.log`];
    });
  }

  private static async start(
    binary: string,
    configure: (dir: string, port: number) => string[],
  ): Promise<ExternalProxy> {
    const dir = mkdtempSync(join(tmpdir(), `slip-bench-${binary}-`));
    const port = await freePort();
    const child = spawn(binary, configure(dir, port), { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${binary} exited with ${code} before listening`)));
    });
    try {
      await Promise.race([waitForPort(port, 10_000), exited]);
    } catch (err) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    exited.catch(() => undefined);
    return new ExternalProxy(`http://127.0.0.1:${port}`, child, dir);
  }

  /** Stops it and removes its files. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const gone = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves once 127.0.0.1:`port` accepts a connection; rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
