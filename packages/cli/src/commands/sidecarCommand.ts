import type { Command } from '../Command';
import { CONFIG_OPTION, CONFIG_USAGE, configFileOf } from '../configFileOf';

/**
 * `slipstream sidecar FILE` (or `--config FILE`): the sidecar as a process (`runSidecar` of
 * `@slipstream/sidecar`): a loopback HTTP/1.1 proxy into the pipeline, reloaded on SIGHUP and on
 * file change, drained on SIGTERM / SIGINT (exit 0 once the requests in flight finished).
 */
export const sidecarCommand: Command = {
  name: 'sidecar',
  summary: 'run the sidecar process: a loopback HTTP proxy into the pipeline (SIGHUP reloads)',
  help: [
    `usage: slipstream sidecar ${CONFIG_USAGE}`,
    '',
    '  FILE, -c, --config FILE  a Slipstream config file, YAML or JSON (docs/configuration.md),',
    '                           the one `slipstream run` takes, checked as `slipstream validate`',
    '                           checks it; the proxy process reads its `sidecar` and `fleet`',
    '                           sections too (see the @slipstream/sidecar README)',
    '  -h, --help               print this text',
    '',
    'signals: SIGHUP reloads the file; SIGTERM / SIGINT drain (stop accepting, finish what is in',
    'flight) and exit 0; a second signal exits 1 at once',
    'exit status: 0 drained and stopped, 1 failed to start or to stop, 2 usage or an invalid config',
    'file',
  ].join('\n'),
  options: CONFIG_OPTION,
  positionals: true,
  ownsSignals: true,
  run: async (args) => {
    const file = configFileOf(args);
    const { runSidecar } = await import('@slipstream/sidecar');
    return runSidecar(['--config', file]);
  },
};
