import { ConfigError } from '@slipstream/contracts';
import type { Command } from '../Command';
import { EXIT } from '../EXIT';

const ACTIONS = ['push', 'status'] as const;

/**
 * `slipstream config push FILE` / `slipstream config status`: fleet configuration on a JetStream
 * key-value bucket that every sidecar with a `fleet` section watches (`pushConfig` /
 * `configStatus` of `@slipstream/sidecar`).
 */
export const configCommand: Command = {
  name: 'config',
  summary: 'fleet configuration on NATS: push a config revision, or list each node’s revision',
  help: [
    'usage: slipstream config push FILE [--servers URLS] [--bucket NAME] [--key NAME]',
    '       slipstream config status [--servers URLS] [--bucket NAME] [--key NAME]',
    '',
    '  push FILE       validate FILE (a `network` section, YAML or JSON) as every sidecar will',
    '                  and store it as the fleet’s next revision; prints the revision',
    '  status          the latest revision and the revision each node runs',
    '  --servers URLS  NATS servers, comma-separated (default nats://127.0.0.1:4222)',
    '  --bucket NAME   the key-value bucket (default: the sidecars’ default)',
    '  --key NAME      the key in the bucket (default: the sidecars’ default)',
    '  -h, --help      print this text',
    '',
    'exit status: 0 ok, 1 failure (NATS unreachable), 2 usage or an invalid config file',
  ].join('\n'),
  options: { servers: { type: 'string' }, bucket: { type: 'string' }, key: { type: 'string' } },
  positionals: true,
  run: async ({ values, positionals }, { io }) => {
    const [action, file, ...extra] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || extra.length > 0) {
      const received = positionals.length === 0 ? 'nothing' : JSON.stringify(positionals.join(' '));
      throw new ConfigError([{ path: 'ACTION', expected: '"push FILE" or "status"', received }]);
    }
    if ((action === 'push') !== (file !== undefined)) {
      throw new ConfigError([
        {
          path: 'FILE',
          expected: action === 'push' ? 'one config file' : 'nothing',
          received: file ?? 'nothing',
        },
      ]);
    }
    const servers = (typeof values.servers === 'string' ? values.servers : 'nats://127.0.0.1:4222').split(
      ',',
    );
    const where = {
      servers,
      ...(typeof values.bucket === 'string' ? { bucket: values.bucket } : {}),
      ...(typeof values.key === 'string' ? { key: values.key } : {}),
    };
    const { pushConfig, configStatus } = await import('@slipstream/sidecar');
    if (file !== undefined) {
      io.out(`revision ${await pushConfig({ ...where, file })}\n`);
      return EXIT.ok;
    }
    const status = await configStatus(where);
    io.out(`latest revision: ${status.latest ?? 'none'}\n`);
    for (const n of status.nodes) {
      const why = n.reason === undefined ? '' : `: ${n.reason}`;
      io.out(`${n.node}  revision ${n.revision ?? 'none'}  last ${n.lastSeen} ${n.state}${why}\n`);
    }
    return EXIT.ok;
  },
};
