/**
 * A sidecar-like node for the fleet configuration test: joins the bus over NATS, keeps its
 * configuration with a `FleetConfigWatcher` (reports on the bus) and answers
 * `fleet.<node>.current` with the revision and route in force. Configured through environment
 * variables; sends 'ready' over IPC once the watcher started (the latest revision applied).
 */
import { coreConfigSchema, MessageBus, parseConfig } from '@slipstream/core';

import { connectNats } from '../src/connectNats';
import { FleetConfigWatcher } from '../src/fleet/FleetConfigWatcher';
import { NatsTransport } from '../src/NatsTransport';
import { RecordingLogger } from './RecordingLogger';

const { NATS_URL, SLIP_NAMESPACE, SLIP_BUCKET, SLIP_NODE } = process.env;
if (!NATS_URL || !SLIP_NAMESPACE || !SLIP_BUCKET || !SLIP_NODE) throw new Error('missing environment');

/** The test's configuration: core's schema plus a `route` section standing for the routing table. */
function validate(input: unknown): { route?: unknown } {
  parseConfig(coreConfigSchema, input);
  return input as { route?: unknown };
}

async function main(): Promise<void> {
  const logger = new RecordingLogger();
  const transport = new NatsTransport(
    { servers: [NATS_URL!], namespace: SLIP_NAMESPACE, name: SLIP_NODE },
    logger,
  );
  await transport.connect();
  const bus = new MessageBus(transport, logger, { source: SLIP_NODE! });
  const nc = await connectNats({ servers: NATS_URL! });
  let route: unknown;
  const watcher = new FleetConfigWatcher({
    node: SLIP_NODE!,
    bucket: SLIP_BUCKET,
    validate,
    apply: (config) => {
      route = config.route;
    },
    bus,
    logger,
  });
  bus.respond(
    `fleet.${SLIP_NODE}.current` as never,
    () => ({ revision: watcher.current()?.revision, route }) as never,
  );
  await bus.flush();
  await watcher.start(nc);
  process.send?.('ready');
}

void main();
