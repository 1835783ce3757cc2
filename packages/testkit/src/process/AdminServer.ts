import { ConfigError } from '@slipstream/contracts';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Behaviour, BehaviourRule } from '../behaviour/Behaviour';
import { WaitTimeoutError } from '../errors/WaitTimeoutError';
import type { Upstream } from '../server/Upstream';

/** A reply of the admin API: status and optional JSON body. */
interface AdminReply {
  status: number;
  body?: unknown;
}

type AdminAction = (upstream: Upstream, body: Record<string, unknown>) => Promise<AdminReply>;

const done: AdminReply = { status: 204 };

/** An action that completes at once and answers 204. */
const immediate =
  (act: (upstream: Upstream, body: Record<string, unknown>) => void): AdminAction =>
  (upstream, body) => {
    act(upstream, body);
    return Promise.resolve(done);
  };

/** The admin API: `<METHOD> <path>` → action on the upstream. Paths mirror the `Upstream` methods. */
const ACTIONS: Readonly<Record<string, AdminAction>> = {
  'GET /counters': (up) => Promise.resolve({ status: 200, body: up.counters() }),
  'POST /reset-counters': immediate((up) => up.resetCounters()),
  'PUT /behaviour': immediate((up, body) =>
    up.setBehaviour(body.config as readonly BehaviourRule[] | Behaviour),
  ),
  'PUT /healthy': immediate((up, body) => up.setHealthy(body.healthy === true)),
  'POST /close-idle': immediate((up) => up.closeIdleConnections()),
  'POST /wait-in-flight': async (up, body) => {
    await up.waitForInFlight(Number(body.n), typeof body.timeoutMs === 'number' ? body.timeoutMs : undefined);
    return done;
  },
  'POST /stop': async (up) => {
    await up.stop();
    return done;
  },
  'POST /restart': async (up) => {
    await up.restart();
    return done;
  },
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function replyFor(err: unknown): AdminReply {
  if (ConfigError.is(err)) return { status: 400, body: { issues: err.issues } };
  if (WaitTimeoutError.is(err)) {
    const { condition, timeoutMs, observed } = err;
    return { status: 408, body: { condition, timeoutMs, observed } };
  }
  return { status: 500, body: { message: err instanceof Error ? err.message : String(err) } };
}

/**
 * The HTTP admin API of a spawned upstream, on its own port of 127.0.0.1 so that it keeps
 * answering while the upstream is stopped and its traffic never reaches the counters.
 */
export class AdminServer {
  private readonly server: Server;

  constructor(private readonly upstream: Upstream) {
    this.server = createServer((req, res) => {
      void (async () => {
        const action = ACTIONS[`${req.method ?? ''} ${req.url ?? ''}`];
        let reply: AdminReply;
        try {
          reply = action === undefined ? { status: 404 } : await action(this.upstream, await readJson(req));
        } catch (err) {
          reply = replyFor(err);
        }
        if (reply.body === undefined) res.writeHead(reply.status).end();
        else
          res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      })();
    });
  }

  /** Listens on 127.0.0.1 (a free port) and resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(address !== null && typeof address === 'object' ? address.port : 0);
      });
    });
  }

  /** Stops the admin API and closes its connections. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
