import { forkTsProcess, type Http2UpstreamOptions } from '@slipstream/testkit';
import { join } from 'node:path';

/** An `Http2Upstream` in its own process. */
export interface SpawnedHttp2Upstream {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Ends the process and resolves once it has exited. */
  close(): Promise<void>;
}

/** Runs an `Http2Upstream` with `options` in a child process (the bench measures the client, not the server). */
export async function spawnHttp2Upstream(options: Http2UpstreamOptions): Promise<SpawnedHttp2Upstream> {
  const { child, exited, ready } = await forkTsProcess(join(__dirname, 'http2UpstreamEntry.ts'), {
    args: [JSON.stringify(options)],
    label: 'HTTP/2 upstream process',
    readyMessage: (message) => {
      const m = message as { type: string; origin?: string; message?: string };
      if (m.type === 'failed') throw new Error(m.message);
      return m.type === 'ready' ? m.origin : undefined;
    },
  });
  return {
    origin: ready,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
