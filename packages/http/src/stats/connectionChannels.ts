import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector } from 'undici';
import type { OriginCounters } from './OriginCounters';

/**
 * Sockets made by Slipstream's connectors and the counters they belong to. undici's
 * connect messages name the socket, so connections of pools that are not ours (another
 * library's, the global dispatcher's) are ignored.
 */
const owners = new WeakMap<Socket, OriginCounters>();
let subscribers = 0;

function onConnected(message: unknown): void {
  const counters = owners.get((message as { socket: Socket }).socket);
  if (counters) counters.connectionsCreated++;
}

/**
 * A connector for one origin's pool: undici's own, timed, counting failures, and marking its
 * sockets so that `undici:client:connected` messages can be attributed to `counters`.
 */
export function trackedConnector(
  options: buildConnector.BuildOptions,
  counters: OriginCounters,
): buildConnector.connector {
  const connect = buildConnector(options);
  return (opts, callback) => {
    const started = performance.now();
    connect(opts, (err, socket) => {
      if (err === null) {
        counters.recordConnectTime(performance.now() - started);
        owners.set(socket, counters);
      } else {
        counters.connectErrors++;
      }
      (callback as (e: Error | null, s: Socket | null) => void)(err, socket);
    });
  };
}

/**
 * Subscribes to undici's process-wide `undici:client:connected` channel; reference-counted
 * across pool managers. Returns the matching unsubscribe, which is safe to call once.
 */
export function subscribeConnectionChannels(): () => void {
  if (subscribers++ === 0) diagnosticsChannel.subscribe('undici:client:connected', onConnected);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--subscribers === 0) diagnosticsChannel.unsubscribe('undici:client:connected', onConnected);
  };
}
