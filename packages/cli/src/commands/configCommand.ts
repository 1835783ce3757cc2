import { ConfigError } from '@slipstream/contracts';
import type { Command } from '../Command';
import { CONFIG_OPTION } from '../configFileOf';
import { EXIT } from '../EXIT';
import { configConnectionOf } from './configConnection';

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
    'usage: slipstream config push FILE [options]',
    '       slipstream config status [options]',
    'options: [--config FILE] [--servers URLS] [--bucket NAME] [--key NAME]',
    '         [--token TOKEN | --user NAME --password PASSWORD]',
    '',
    '  push FILE             validate FILE (a `network` section, YAML or JSON) as every sidecar',
    '                        will and store it as the fleet’s next revision; prints the revision',
    '  status                the latest revision and the revision each node runs',
    '  -c, --config FILE     the sidecars’ config file: its `bus` section (NATS servers, `auth`,',
    '                        `tls`) is the connection and its `fleet` section the bucket and key;',
    '                        checked as `slipstream validate` checks it',
    '  --servers URLS        NATS servers, comma-separated (default: the file’s, else',
    '                        nats://127.0.0.1:4222)',
    '  --bucket NAME         the key-value bucket (default: the file’s `fleet.bucket`, else the',
    '                        sidecars’ default)',
    '  --key NAME            the key in the bucket (default: likewise)',
    '  --token TOKEN         authenticate with a token (replaces the file’s `bus.auth`)',
    '  --user NAME           authenticate as NAME, with --password PASSWORD',
    '  --password PASSWORD   the password of --user',
    '  -h, --help            print this text',
    '',
    'environment: without a credential flag, SLIPSTREAM_NATS_TOKEN, or SLIPSTREAM_NATS_USER with',
    'SLIPSTREAM_NATS_PASSWORD, give the credential, so no secret need be on the command line',
    '(where other users of the machine can read it); a --servers URL carrying a credential is',
    'refused (give it with the flags or variables above)',
    '',
    'exit status: 0 ok, 1 failure (NATS unreachable, credential refused), 2 usage or an invalid',
    'config file',
  ].join('\n'),
  options: {
    ...CONFIG_OPTION,
    servers: { type: 'string' },
    bucket: { type: 'string' },
    key: { type: 'string' },
    token: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
  },
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
    const connection = configConnectionOf(values);
    const { pushConfig, configStatus } = await import('@slipstream/sidecar');
    const { NatsAuthError } = await import('@slipstream/transport-nats');
    // The transport names the credential by its `bus.auth` field; the user may have given a flag.
    const naming = (err: unknown): never => {
      if (!NatsAuthError.is(err)) throw err;
      throw new NatsAuthError(connection.credentialName(err.credential), err.reason, { cause: err });
    };
    if (file !== undefined) {
      io.out(`revision ${await pushConfig({ ...connection.options, file }).catch(naming)}\n`);
      return EXIT.ok;
    }
    const status = await configStatus(connection.options).catch(naming);
    io.out(`latest revision: ${status.latest ?? 'none'}\n`);
    for (const n of status.nodes) {
      const why = n.reason === undefined ? '' : `: ${n.reason}`;
      io.out(`${n.node}  revision ${n.revision ?? 'none'}  last ${n.lastSeen} ${n.state}${why}\n`);
    }
    return EXIT.ok;
  },
};
