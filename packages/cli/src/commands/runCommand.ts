import type { Command } from '../Command';
import { CONFIG_OPTION, CONFIG_USAGE, configFileOf } from '../configFileOf';
import { EXIT } from '../EXIT';

/**
 * `slipstream run FILE`: validates a config file as `slipstream validate` does (`readConfigFile`),
 * then starts the system it describes (the orchestrator with core's settings, the NATS transport
 * when `bus.transport` is `nats`, the sidecar with `network`, the agents of `agents`) and the
 * `ConfigFileAgent`, which
 * reloads the file on change and on SIGHUP. Runs until SIGINT / SIGTERM, then stops the
 * orchestrator (draining in-flight work).
 */
export const runCommand: Command = {
  name: 'run',
  summary: 'run the system a config file describes; reload it on change and on SIGHUP',
  help: [
    `usage: slipstream run ${CONFIG_USAGE}`,
    '',
    '  FILE, -c, --config FILE  a Slipstream config file, YAML or JSON (docs/configuration.md),',
    '                           checked as `slipstream validate` checks it. Edits to it, and',
    '                           SIGHUP, reload it: valid changes are applied over the bus, an',
    '                           invalid one is refused (logged with its paths) and the config in',
    '                           force stays. Its `sidecar` and `fleet` sections are read by',
    '                           `slipstream sidecar` (the proxy process), not by run',
    '  -h, --help               print this text',
    '',
    'exit status: 1 an agent failed to start, 2 usage or an invalid config file, 130 / 143 stopped',
    'by SIGINT / SIGTERM (after draining)',
  ].join('\n'),
  options: CONFIG_OPTION,
  positionals: true,
  run: async (args, { io, signal }) => {
    const file = configFileOf(args);
    const {
      ConfigFileAgent,
      NetworkPerformanceAgent,
      configuredAgents,
      networkPerformanceModules,
      readConfigFile,
    } = await import('@slipstream/agent-network-performance');
    const { Orchestrator } = await import('@slipstream/core');
    const config = await readConfigFile(file);
    const sidecar = new NetworkPerformanceAgent(config.network);
    const orchestrator = new Orchestrator({ config: config.core });
    if (config.core.bus.transport === 'nats') {
      const { natsTransportModule } = await import('@slipstream/transport-nats');
      orchestrator.use(natsTransportModule);
    }
    orchestrator
      .use(...networkPerformanceModules(sidecar))
      .register(sidecar)
      .register(new ConfigFileAgent({ file, current: config }));
    const agents = configuredAgents(config.agents);
    for (const agent of agents) orchestrator.register(agent);
    await orchestrator.start();
    try {
      // An agent whose start threw is only marked failed by the orchestrator: a command that
      // runs the system fails with it.
      const failed = Object.entries((await orchestrator.health()).agents).filter(
        ([, a]) => a.state === 'failed',
      );
      if (failed.length > 0) {
        for (const [id, a] of failed)
          io.err(`slipstream: agent ${id} failed to start: ${a.error?.message ?? 'unknown error'}\n`);
        return EXIT.failure;
      }
      const clusters = config.network.clusters.map((c) => c.cluster).join(', ');
      const named = agents.length === 0 ? '' : `; agents ${agents.map((a) => a.id).join(', ')}`;
      io.err(
        `running ${file}: clusters ${clusters}${named}; edit the file or send SIGHUP (pid ${process.pid}) to reload\n`,
      );
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return EXIT.ok;
    } finally {
      await orchestrator.stop();
    }
  },
};
