import { RpcError } from '@slipstream/contracts';
import { setTimeout as sleep } from 'node:timers/promises';

/** One built-in method: params in, result out; an `RpcError` becomes the call's error object. */
export type RpcMethod = (params: unknown, signal: AbortSignal) => unknown;

const numbers = (params: unknown): number[] => {
  const values = Array.isArray(params)
    ? params
    : typeof params === 'object' && params !== null
      ? Object.values(params)
      : [];
  if (!values.every((v): v is number => typeof v === 'number'))
    throw new RpcError(-32602, 'Invalid params: numbers expected', params);
  return values;
};

const sleepMs = (params: unknown): number => {
  const raw: unknown = Array.isArray(params) ? params[0] : (params as { ms?: unknown } | null)?.ms;
  if (typeof raw !== 'number' || !(raw >= 0))
    throw new RpcError(-32602, 'Invalid params: ms >= 0 expected', params);
  return raw;
};

/** The built-in methods of the JSON-RPC endpoint. */
export const RPC_METHODS: Readonly<Record<string, RpcMethod>> = Object.freeze({
  /** Returns its params. */
  echo: (params) => params ?? null,
  /** Sums its params (an array or an object of numbers). */
  add: (params) => numbers(params).reduce((sum, n) => sum + n, 0),
  /** Waits `ms` (`[ms]` or `{ ms }`), then returns it. */
  sleep: async (params, signal) => {
    const ms = sleepMs(params);
    await sleep(ms, undefined, { signal });
    return ms;
  },
  /** Always fails with error code -32000. */
  fail: (params) => {
    throw new RpcError(-32000, 'fail requested', params ?? null);
  },
});
