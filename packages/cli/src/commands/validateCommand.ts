import { ConfigError } from '@slipstream/contracts';
import type { Command } from '../Command';
import { CONFIG_OPTION, CONFIG_USAGE, configFileOf } from '../configFileOf';
import { EXIT } from '../EXIT';

/**
 * `slipstream validate FILE`: checks a config file as `slipstream run` and `slipstream sidecar`
 * do before they start (`readConfigFile`: the strict schema, the checks across sections, and the
 * pipeline built without starting it) and lists every problem.
 */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file (YAML or JSON); list every problem with its path',
  help: [
    `usage: slipstream validate ${CONFIG_USAGE}`,
    '',
    '  FILE, -c, --config FILE  a Slipstream config file, YAML (.yaml, .yml) or JSON;',
    '                           docs/configuration.md lists every option. Checked as',
    '                           `slipstream run` and `slipstream sidecar` check it before they',
    '                           start: the pipeline is built (nothing started, nothing connected)',
    '  -h, --help               print this text',
    '',
    'exit status: 0 valid, 2 invalid (each problem on its own line: path, expected, received)',
  ].join('\n'),
  options: CONFIG_OPTION,
  positionals: true,
  run: async (args, { io }) => {
    const file = configFileOf(args);
    const { readConfigFile } = await import('@slipstream/agent-network-performance');
    try {
      const config = await readConfigFile(file);
      const routes = config.network.routes?.length ?? 0;
      io.out(`${file}: valid (${config.network.clusters.length} clusters, ${routes} routes)\n`);
      return EXIT.ok;
    } catch (err) {
      if (!ConfigError.is(err)) throw err;
      io.err(`${file}: ${err.issues.length} problem(s)\n`);
      for (const issue of err.issues) {
        io.err(`  ${issue.path || '(root)'}: expected ${issue.expected}, received ${issue.received}\n`);
      }
      return EXIT.usage;
    }
  },
};
