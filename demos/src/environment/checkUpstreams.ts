import type { ConfigIssue } from '@slipstream/contracts';
import type { ForwardTarget } from '@slipstream/testkit';

/** Paths the scenarios send REST requests to (without `path`, each reaches the real upstream). */
export const SCENARIO_PATHS = [
  '/work',
  '/pooling',
  '/balance',
  '/session',
  '/failover/1',
  '/breaker/1',
  '/qos/critical',
];
/** Where the scenarios send JSON-RPC batches unless `rpcPath` says otherwise. */
const DEFAULT_RPC_PATH = '/rpc';
/** How long one probe may take. */
const PROBE_TIMEOUT_MS = 5_000;

/** What a probe got: a status, or why there was none. */
async function probe(
  url: string,
  init: RequestInit = {},
): Promise<{ status?: number; body?: unknown; error?: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (err instanceof Error ? err.message : String(err)) };
  }
}

/** `404`, or the reason there was no answer. */
function outcome(result: { status?: number; error?: string }): string {
  return result.status === undefined ? `no answer (${result.error})` : `HTTP ${result.status}`;
}

/** Whether a JSON-RPC batch answer gives each call's params back as its result. */
function echoes(body: unknown, calls: readonly { id: number; params: unknown[] }[]): boolean {
  if (!Array.isArray(body)) return false;
  return calls.every((call) => {
    const answer = (body as { id?: unknown; result?: unknown }[]).find((a) => a.id === call.id);
    return JSON.stringify(answer?.result) === JSON.stringify(call.params);
  });
}

/**
 * Checks each `--config` upstream before the demo relies on it: the REST paths it will be sent
 * (its `path`, else the scenarios' own) answer 2xx to GET, and its JSON-RPC endpoint (`rpcPath`,
 * default `/rpc`) answers a batch of two `echo` calls with their params. Resolves with one issue
 * per problem, naming the option to set (`upstreams[i].path` / `upstreams[i].rpcPath`).
 */
export async function checkUpstreams(targets: readonly ForwardTarget[]): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const [i, target] of targets.entries()) {
    const paths = target.path === undefined ? SCENARIO_PATHS : [target.path];
    for (const path of paths) {
      const result = await probe(new URL(path, target.origin).href);
      if (result.status !== undefined && result.status >= 200 && result.status < 300) continue;
      issues.push({
        path: `upstreams[${i}].path`,
        expected:
          target.path === undefined
            ? `GET ${target.origin}${path} to answer 2xx (the scenarios use ${SCENARIO_PATHS.join(', ')}): set "path" to one it answers, e.g. "/"`
            : `GET ${target.origin}${path} to answer 2xx: set "path" to one it answers`,
        received: outcome(result),
      });
      break;
    }
    const rpcPath = target.rpcPath ?? DEFAULT_RPC_PATH;
    const calls = [
      { id: 1, params: ['slipstream', 1] },
      { id: 2, params: ['check', 2] },
    ];
    const rpc = await probe(new URL(rpcPath, target.origin).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', method: 'echo', ...c }))),
    });
    if (rpc.status !== undefined && rpc.status >= 200 && rpc.status < 300 && echoes(rpc.body, calls))
      continue;
    issues.push({
      path: `upstreams[${i}].rpcPath`,
      expected: `POST ${target.origin}${rpcPath} to answer a JSON-RPC 2.0 batch of "echo" calls with their params: set "rpcPath" to the JSON-RPC endpoint, which must offer an "echo" method returning its params`,
      received:
        rpc.status !== undefined && rpc.status < 300 ? 'answers without the echoed params' : outcome(rpc),
    });
  }
  return issues;
}
