import { ConfigError } from '@slipstream/contracts';
import type { Command } from '../Command';

/**
 * `slipstream sidecar --config FILE`: the sidecar as a process (`runSidecar` of
 * `@slipstream/sidecar`): a loopback HTTP/1.1 proxy into the pipeline, reloaded on SIGHUP and on
 * file change, drained on SIGTERM / SIGINT (exit 0 once the requests in flight finished).
 */
export const sidecarCommand: Command = {
  name: 'sidecar',
  summary: 'run the sidecar process: a loopback HTTP proxy into the pipeline (SIGHUP reloads)',
  help: [
    'usage: slipstream sidecar --config FILE',
    '',
    '  -c, --config FILE  the sidecar config, YAML or JSON (network, sidecar, bus, fleet sections;',
    '                     see the @slipstream/sidecar README)',
    '  -h, --help         print this text',
    '',
    'signals: SIGHUP reloads the file; SIGTERM / SIGINT drain (stop accepting, finish what is in',
    'flight) and exit 0; a second signal exits 1 at once',
    'exit status: 0 drained and stopped, 1 failed to start or to stop, 2 usage',
  ].join('\n'),
  options: { config: { type: 'string', short: 'c' } },
  positionals: false,
  ownsSignals: true,
  run: async ({ values }) => {
    const file = values.config;
    if (typeof file !== 'string') {
      throw new ConfigError([{ path: '--config', expected: 'a config file', received: 'nothing' }]);
    }
    const { runSidecar } = await import('@slipstream/sidecar');
    return runSidecar(['--config', file]);
  },
};
