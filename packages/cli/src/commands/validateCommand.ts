import { ConfigError } from '@slipstream/contracts';
import type { Command } from '../Command';
import { EXIT } from '../EXIT';

/** `slipstream validate FILE`: checks a config file and lists every problem. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a config file (YAML or JSON); list every problem with its path',
  help: [
    'usage: slipstream validate FILE',
    '',
    '  FILE        a Slipstream config file, YAML (.yaml, .yml) or JSON; docs/configuration.md',
    '              lists every option',
    '  -h, --help  print this text',
    '',
    'exit status: 0 valid, 2 invalid (each problem on its own line: path, expected, received)',
  ].join('\n'),
  options: {},
  positionals: true,
  run: async ({ positionals }, { io }) => {
    if (positionals.length !== 1) {
      const received = positionals.length === 0 ? 'nothing' : JSON.stringify(positionals.join(' '));
      throw new ConfigError([{ path: 'FILE', expected: 'one config file', received }]);
    }
    const file = positionals[0]!;
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
