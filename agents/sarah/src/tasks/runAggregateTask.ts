import {
  MalformedResponseError,
  RequestTimeoutError,
  UpstreamStatusError,
  type SarahTask,
} from '@slipstream/contracts';
import { parseConfig } from '@slipstream/core';
import { z } from 'zod';
import type { SarahNetwork } from '../SarahNetwork';
import type { TaskPriority } from '../SarahOptions';

/** The params of an `aggregate` task. */
export interface AggregateParams {
  /** Paths to GET (routed by the table, else sent to `cluster`). */
  gets?: string[];
  /** JSON-RPC calls, batched by the pipeline. */
  rpc?: { method: string; params?: unknown }[];
  /** Cluster of the GETs no route matches (without it they fail with `NoRouteError`) and of the calls (defaults to the pipeline's first cluster). */
  cluster?: string;
}

/** One call's answer and how long it took. */
export interface CallTiming {
  /** `GET /path` or `rpc method`. */
  call: string;
  /** From the call to its answer, ms. */
  ms: number;
}

/** What an aggregate task produced. */
export interface AggregateResult {
  gets: { path: string; status: number; body: unknown }[];
  rpc: { method: string; result: unknown }[];
  timings: CallTiming[];
}

const taskSchema = z.object({
  taskId: z.string().min(1),
  kind: z.literal('aggregate'),
  priority: z.enum(['critical', 'standard', 'bulk']).optional(),
  deadline: z.number().finite().optional(),
  params: z
    .object({
      gets: z.array(z.string().startsWith('/')).optional(),
      rpc: z
        .array(z.object({ method: z.string().min(1), params: z.unknown().optional() }).strict())
        .optional(),
      cluster: z.string().min(1).optional(),
    })
    .strict()
    .refine((p) => (p.gets?.length ?? 0) + (p.rpc?.length ?? 0) > 0, 'at least one GET or RPC call'),
});

/** How a task runs: the QoS class of its priority, the clock, and the signal that cancels it. */
export interface AggregateContext {
  qosClasses: Readonly<Record<TaskPriority, string>>;
  /** Aborted when the worker stops. */
  signal: AbortSignal;
  /** ms since the epoch. Defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Runs an `aggregate` task: validates it (`ConfigError` naming the path), then fans out its
 * GETs and JSON-RPC calls at once through `network` with the task's QoS class and what is
 * left of its deadline as each call's timeout, and combines the answers in order. The first
 * failure (a rejection, or a GET answered ≥ 400 as `UpstreamStatusError`) aborts the others
 * and rejects; a deadline already passed rejects with `RequestTimeoutError` before any call.
 */
export async function runAggregateTask(
  network: SarahNetwork,
  task: SarahTask,
  ctx: AggregateContext,
): Promise<AggregateResult> {
  parseConfig(taskSchema, task);
  const now = ctx.now ?? Date.now;
  const timeoutMs = task.deadline === undefined ? undefined : task.deadline - now();
  if (timeoutMs !== undefined && timeoutMs <= 0) {
    throw new RequestTimeoutError(`task ${task.taskId} reached its deadline before it started`);
  }
  // One listener on the long-lived stop signal per task, removed when the task settles
  // (AbortSignal.any with a never-aborted source keeps its dependants: nodejs/node#55351).
  const failFast = new AbortController();
  const onStop = (): void => failFast.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onStop();
  else ctx.signal.addEventListener('abort', onStop, { once: true });
  try {
    return await fanOut(network, task, ctx, { timeoutMs, failFast });
  } finally {
    ctx.signal.removeEventListener('abort', onStop);
  }
}

/** Sends the task's calls at once with `failFast`'s signal and combines the answers in order. */
async function fanOut(
  network: SarahNetwork,
  task: SarahTask,
  ctx: AggregateContext,
  { timeoutMs, failFast }: { timeoutMs: number | undefined; failFast: AbortController },
): Promise<AggregateResult> {
  const params = (task.params ?? {}) as AggregateParams;
  const priority = task.priority ?? 'standard';
  const signal = failFast.signal;
  const timings: CallTiming[] = [];
  const timed = async <T>(call: string, send: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await send();
    } catch (err) {
      failFast.abort(err);
      throw err;
    } finally {
      timings.push({ call, ms: performance.now() - start });
    }
  };
  const cluster = params.cluster;
  const gets = (params.gets ?? []).map((path) =>
    timed(`GET ${path}`, async () => {
      const response = await network.request(
        { method: 'GET', path, cluster },
        { priority: ctx.qosClasses[priority], timeoutMs, signal },
      );
      if (response.statusCode >= 400) {
        throw new UpstreamStatusError(response.statusCode, `GET ${path} answered ${response.statusCode}`);
      }
      return { path, status: response.statusCode, body: bodyOf(response) };
    }),
  );
  const rpc = (params.rpc ?? []).map(({ method, params: callParams }) =>
    timed(`rpc ${method}`, async () => ({
      method,
      result: await network.call(method, callParams, { cluster, priority, timeoutMs, signal }),
    })),
  );
  const [getResults, rpcResults] = await Promise.all([Promise.all(gets), Promise.all(rpc)]);
  return { gets: getResults, rpc: rpcResults, timings };
}

/** The body as JSON when the upstream says it is JSON, else as text. */
function bodyOf(response: { headers: Record<string, unknown>; text(): string }): unknown {
  const type = response.headers['content-type'];
  const text = response.text();
  if (typeof type !== 'string' || !type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new MalformedResponseError('response body is not JSON', { cause: err });
  }
}
