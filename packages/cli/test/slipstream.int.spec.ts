/**
 * The `slipstream` command as a user runs it: `node bin/slipstream.js ARGS` in a child process,
 * its exit status, its output, and its child processes after a signal.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, MessageBus } from '@slipstream/core';
import { NatsTransport } from '@slipstream/transport-nats';
import { createServer as createHttpServer } from 'node:http';
import { COMMANDS } from '../src/COMMANDS';
import { PrivateNatsServer } from '../../transport-nats/test/natsTestUtils';

const BIN = join(__dirname, '..', 'bin', 'slipstream.js');

/** Runs `slipstream ...args` to completion, with `env` added to this process's environment. */
function slipstream(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const options = { timeout: 60_000, env: { ...process.env, ...env } };
    execFile(process.execPath, [BIN, ...args], options, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** The pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Whether a process is alive (and not a zombie). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

jest.setTimeout(120_000);

/** A cluster every test file may use. */
const CLUSTER = [
  'network:',
  '  clusters:',
  '    - cluster: api',
  '      endpoints: [{ origin: "http://127.0.0.1:9" }]',
];

/** Writes `text` to a file of a new temporary folder, runs `use` with its path, then removes the folder. */
async function withFile<T>(name: string, text: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'slipstream-cli-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, text);
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('slipstream', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['demo', '--help']],
    [['bench', '-h']],
    [['validate', '--help']],
    [['run', '--help']],
    [['sidecar', '--help']],
    [['config', '-h']],
  ])('%j prints the help and exits 0', async (args) => {
    const { code, stdout, stderr } = await slipstream(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: slipstream /);
    expect(stderr).toBe('');
  });

  it('--help lists every command, and each one answers its own --help', async () => {
    const { stdout } = await slipstream(['--help']);
    const listed = [...stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
    expect(listed).toEqual(['demo', 'bench', ...COMMANDS.map((c) => c.name)]);
    for (const name of listed) {
      const help = await slipstream([name!, '--help']);
      expect([name, help.code, help.stdout.startsWith(`usage: slipstream ${name!}`)]).toEqual([
        name,
        0,
        true,
      ]);
    }
  });

  it.each([[['validate']], [['run']], [['sidecar']]])(
    '%j takes its config file as FILE or --config FILE, and says so in its help',
    async ([name]) => {
      const help = await slipstream([name!, '--help']);
      expect(help.stdout.split('\n')[0]).toBe(`usage: slipstream ${name!} FILE | --config FILE`);
      await withFile('forms.yaml', 'network: {}\n', async (file) => {
        for (const form of [[file], ['--config', file], [`--config=${file}`], ['-c', file]]) {
          const { code, stderr } = await slipstream([name!, ...form]);
          expect([form, code]).toEqual([form, 2]);
          expect(stderr).toContain('network.clusters');
        }
      });
    },
  );

  it.each([
    [
      ['demo', '--bogus'],
      'slipstream: invalid configuration: --bogus: expected one of --only, --json, --config, --scale, --help, received "--bogus"',
    ],
    [
      ['demo', '--only=11'],
      'slipstream: invalid configuration: --only: expected an integer 1..10, received "11"',
    ],
    [
      ['demo', '--only', '0'],
      'slipstream: invalid configuration: --only: expected an integer 1..10, received "0"',
    ],
    [
      ['bench', '--target=localhost:1'],
      'slipstream: invalid configuration: --target: expected an http:// or https:// URL, received "localhost:1"',
    ],
    [
      ['bench', '--target'],
      'slipstream: invalid configuration: --target: expected a value, received nothing',
    ],
    ...[
      ['validate', '--config'],
      ['sidecar', '--config'],
      ['run', '-c'],
    ].map((args): [string[], string] => [
      args,
      'slipstream: invalid configuration: --config: expected a value, received nothing\n',
    ]),
    [['bench', 'nosuch'], 'slipstream: invalid configuration: suite: expected one of '],
    [
      ['frobnicate'],
      'slipstream: invalid configuration: command: expected one of demo, bench, validate, run, sidecar, config',
    ],
    [
      ['sidecar'],
      'slipstream: invalid configuration: FILE: expected one config file (FILE or --config FILE), received nothing',
    ],
    [
      ['run', 'a.yaml', '--config', 'b.yaml'],
      'slipstream: invalid configuration: FILE: expected one config file (FILE or --config FILE), received "a.yaml b.yaml"',
    ],
    [
      ['demo', '--scale', '-1'],
      'slipstream: invalid configuration: --scale: expected a number > 0 and ≤ 10, received "-1"',
    ],
    [
      ['demo', '--only', '1', '--only', '11'],
      'slipstream: invalid configuration: --only: expected an integer 1..10, received "11"',
    ],
    [
      ['config', 'pull'],
      'slipstream: invalid configuration: ACTION: expected "push FILE" or "status", received "pull"',
    ],
    [
      ['config', 'push'],
      'slipstream: invalid configuration: FILE: expected one config file, received nothing',
    ],
    [
      ['config', 'status', '--user', 'alice'],
      'slipstream: invalid configuration: --password: expected the password of --user, received nothing',
    ],
    [
      ['config', 'status', '--token', 't', '--user', 'alice', '--password', 'p'],
      'slipstream: invalid configuration: --token: expected either --token or --user with --password, received both',
    ],
  ])('%j exits 2 with one line naming what is wrong', async (args, line) => {
    const { code, stdout, stderr } = await slipstream(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr.startsWith(line)).toBe(true);
  });

  it('demo --config with a missing file exits 2 naming it', async () => {
    const { code, stderr } = await slipstream(['demo', '--config', '/nonexistent/upstreams.json']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'slipstream: invalid configuration: --config: expected a readable file, received "/nonexistent/upstreams.json"',
    );
  });

  it('validate: a valid file exits 0', async () => {
    const example = join(__dirname, '..', '..', '..', 'examples', 'slipstream.yaml');
    const { code, stdout } = await slipstream(['validate', example]);
    expect(code).toBe(0);
    expect(stdout).toBe(`${example}: valid (2 clusters, 1 routes)\n`);
  });

  it('validate: an invalid file exits 2 and lists every problem with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipstream-validate-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'log: { level: loud }\nnetwork:\n  clusterz: []\nextra: 1\n');
      const { code, stderr } = await slipstream(['validate', file]);
      expect(code).toBe(2);
      expect(stderr.split('\n').filter(Boolean)).toEqual([
        `${file}: 4 problem(s)`,
        '  log.level: expected one of "debug", "info", "warn", "error", "silent", received "loud" (string)',
        '  network.clusters: expected array, received undefined',
        '  network.clusterz: expected a known key (did you mean "clusters"?), received unknown key "clusterz"',
        expect.stringMatching(/^ {2}extra: expected one of the keys .*, received unknown key "extra"$/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validate: an admin server on a non-loopback host needs allowRemote and a token, named at the section’s path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipstream-validate-'));
    try {
      const cluster = '  clusters: [{ cluster: a, endpoints: [{ origin: "http://127.0.0.1:9" }] }]';
      const exposed = join(dir, 'exposed.yaml');
      writeFileSync(exposed, ['network:', cluster, 'sidecar:', '  admin: { host: 0.0.0.0 }', ''].join('\n'));
      const refused = await slipstream(['validate', exposed]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('sidecar.admin.host: expected a loopback address');
      expect(refused.stderr).toContain('sidecar.admin.bearerToken: expected a token');
      const allowed = join(dir, 'allowed.yaml');
      writeFileSync(
        allowed,
        [
          'network:',
          cluster,
          'sidecar:',
          '  admin: { host: 0.0.0.0, allowRemote: true, bearerToken: s3cret-admin }',
          '',
        ].join('\n'),
      );
      expect((await slipstream(['validate', allowed])).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config push: an invalid file exits 2 naming its path; a valid one is stored and status lists it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipstream-config-'));
    const bucket = `cli_${process.pid}_${Date.now()}`;
    const where = ['--servers', process.env.NATS_URL ?? 'nats://127.0.0.1:4222', '--bucket', bucket];
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(
        bad,
        'network:\n  clusters:\n    - cluster: a\n      endpoints: [{ origin: "ftp://x" }]\n',
      );
      const refused = await slipstream(['config', 'push', bad, ...where]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('network.clusters[0].endpoints[0].origin');
      const good = join(dir, 'good.yaml');
      writeFileSync(
        good,
        'network:\n  clusters:\n    - cluster: a\n      endpoints: [{ origin: "http://127.0.0.1:9" }]\n',
      );
      const pushed = await slipstream(['config', 'push', good, ...where]);
      expect(pushed.code).toBe(0);
      expect(pushed.stdout).toMatch(/^revision [1-9]\d*\n$/);
      const revision = pushed.stdout.trim().split(' ')[1];
      const status = await slipstream(['config', 'status', ...where]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`latest revision: ${revision}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('config status: a NATS server that refuses the connection exits 1 naming its URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `nats://127.0.0.1:${port}`;
    const { code, stdout, stderr } = await slipstream([
      'config',
      'status',
      '--servers',
      url,
      '--bucket',
      'x',
    ]);
    expect([code, stdout, stderr]).toEqual([
      1,
      '',
      `slipstream: cannot connect to NATS at ${url}: connection refused\n`,
    ]);
  });

  describe('config push / status on a NATS server that requires a token', () => {
    const TOKEN = 'fleet-s3cret';
    let server: PrivateNatsServer;
    let dir: string;
    let revision: string;
    const bucket = `cli_auth_${process.pid}`;
    const revisionFile = (): string => join(dir, 'revision.yaml');
    const where = (): string[] => ['--servers', `nats://${server.url}`, '--bucket', bucket];
    /** A sidecar config file whose bus carries `token` (and whose fleet section names the bucket). */
    const systemFile = (token: string): string => {
      const file = join(dir, `system-${token}.yaml`);
      writeFileSync(
        file,
        [
          ...CLUSTER,
          'bus:',
          '  transport: nats',
          `  servers: ["nats://${server.url}"]`,
          `  auth: { token: "${token}" }`,
          `fleet: { bucket: ${bucket} }`,
        ].join('\n'),
      );
      return file;
    };

    beforeAll(async () => {
      server = await PrivateNatsServer.start(['--auth', TOKEN]);
      dir = mkdtempSync(join(tmpdir(), 'slipstream-config-auth-'));
      writeFileSync(revisionFile(), [...CLUSTER, ''].join('\n'));
    });

    afterAll(async () => {
      await server.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('without a credential: exits 1 naming the flags and variables that give one, not bus.auth', async () => {
      const { code, stderr } = await slipstream(['config', 'push', revisionFile(), ...where()]);
      expect(code).toBe(1);
      expect(stderr).toContain('the NATS server refused no credential (give --token');
      expect(stderr).toContain('SLIPSTREAM_NATS_TOKEN');
      expect(stderr).not.toContain('bus.auth (none given)');
    });

    it('with a wrong --token: exits 1 naming --token', async () => {
      const { code, stderr } = await slipstream([
        'config',
        'push',
        revisionFile(),
        ...where(),
        '--token',
        'nope',
      ]);
      expect([code, stderr]).toEqual([
        1,
        'slipstream: the NATS server refused --token: authorization violation\n',
      ]);
    });

    it('with a token in the --servers URL: exits 2 naming --servers, not the secret', async () => {
      const { code, stderr } = await slipstream([
        'config',
        'status',
        '--servers',
        `nats://${TOKEN}@${server.url}`,
      ]);
      expect(code).toBe(2);
      expect(stderr).toContain('--servers: expected URLs without a credential');
      expect(stderr).not.toContain(TOKEN);
    });

    it('with --token, or SLIPSTREAM_NATS_TOKEN in the environment: pushes, and status lists the revision', async () => {
      const pushed = await slipstream(['config', 'push', revisionFile(), ...where(), '--token', TOKEN]);
      expect([pushed.code, pushed.stderr]).toEqual([0, '']);
      revision = pushed.stdout.trim().split(' ')[1]!;
      const status = await slipstream(['config', 'status', ...where()], { SLIPSTREAM_NATS_TOKEN: TOKEN });
      expect([status.code, status.stderr]).toEqual([0, '']);
      expect(status.stdout).toContain(`latest revision: ${revision}`);
    });

    it('with --config FILE: connects with its bus section (auth included) to its fleet bucket; a wrong token in it is named with the file', async () => {
      const status = await slipstream(['config', 'status', '--config', systemFile(TOKEN)]);
      expect([status.code, status.stderr]).toEqual([0, '']);
      expect(status.stdout).toContain(`latest revision: ${revision}`);
      const wrong = systemFile('nope');
      const refused = await slipstream(['config', 'status', '--config', wrong]);
      expect([refused.code, refused.stderr]).toEqual([
        1,
        `slipstream: the NATS server refused bus.auth.token of ${wrong}: authorization violation\n`,
      ]);
    });
  });

  it.each([
    [
      'a route to an unknown QoS class',
      [
        ...CLUSTER,
        '  routes:',
        '    - { id: r, match: { path: /y }, cluster: api, policy: { qosClass: gold } }',
      ],
      ['network.routes[0].policy.qosClass: expected a known QoS class (critical, standard, bulk)'],
    ],
    [
      'a route to an unknown cluster and an unknown QoS class (both listed at once)',
      [
        ...CLUSTER,
        '  routes:',
        '    - { id: r, match: { path: /x }, cluster: nope, policy: { qosClass: platinum } }',
      ],
      [
        'network.routes[0].cluster: expected a configured cluster ("api"), received "nope"',
        'network.routes[0].policy.qosClass: expected a known QoS class (critical, standard, bulk)',
      ],
    ],
    [
      'QoS classes without "standard"',
      [...CLUSTER, '  classes: [{ name: gold, priority: 0 }]'],
      ['network.classes: expected a class named "standard" (the default), received gold'],
    ],
    [
      'both, beside a bad value and a misspelt section elsewhere',
      [
        'log: { level: loud }',
        'sidecarr: {}',
        ...CLUSTER,
        '  classes: [{ name: gold, priority: 0 }]',
        '  routes:',
        '    - { id: r, match: { path: /y }, cluster: api, policy: { qosClass: silver } }',
      ],
      [
        'log.level: expected one of',
        'sidecarr: expected a known key (did you mean "sidecar"?)',
        'network.classes: expected a class named "standard"',
        'network.routes[0].policy.qosClass: expected a known QoS class (gold)',
      ],
    ],
  ])(
    '%s: validate, run and sidecar all refuse it (exit 2) naming each path',
    async (_what, lines, problems) => {
      await withFile('system.yaml', `${lines.join('\n')}\n`, async (file) => {
        const validate = await slipstream(['validate', file]);
        expect(validate.code).toBe(2);
        expect(validate.stderr.split('\n')[0]).toBe(`${file}: ${problems.length} problem(s)`);
        for (const problem of problems) expect(validate.stderr).toContain(`  ${problem}`);
        for (const command of ['run', 'sidecar']) {
          const refused = await slipstream([command, file]);
          expect([command, refused.code]).toEqual([command, 2]);
          for (const problem of problems) expect(refused.stderr).toContain(problem);
        }
      });
    },
  );

  it('run: exits 1 naming the agent when one fails to start (its admin port is taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const config = [...CLUSTER, `  monitoring: { admin: { enabled: true, port: ${port} } }`, ''].join('\n');
    try {
      await withFile('admin.yaml', config, async (file) => {
        expect((await slipstream(['validate', file])).code).toBe(0);
        const { code, stderr } = await slipstream(['run', file]);
        expect(code).toBe(1);
        expect(stderr).toContain('slipstream: agent network-performance failed to start:');
        expect(stderr).toContain('EADDRINUSE');
      });
    } finally {
      taken.close();
    }
  });

  it('run: starts the agents its file names; the configured Sarah answers a task on the bus', async () => {
    const upstream = createHttpServer((req, res) => res.end(`upstream got ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const servers = [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'];
    const namespace = `cli_agents_${process.pid}_${Date.now()}`;
    const config = [
      `bus: { transport: nats, servers: ${JSON.stringify(servers)}, namespace: ${namespace} }`,
      'network:',
      '  clusters:',
      `    - { cluster: api, endpoints: [{ origin: "${origin}" }] }`,
      'agents:',
      '  sarah: { group: cli-test }',
      '  performance-optimizer: { cooldownMs: 30000 }',
      '',
    ].join('\n');
    const logger = createLogger({ silent: true });
    const transport = new NatsTransport({ servers, namespace, name: `cli-test-${process.pid}` }, logger);
    const bus = new MessageBus(transport, logger, { source: 'cli-test' });
    await withFile('agents.yaml', config, async (file) => {
      const child = spawn(process.execPath, [BIN, 'run', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const started = await new Promise<string>((resolve) => {
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            if (stderr.includes('reload\n')) resolve(stderr);
          });
        });
        expect(started).toContain(`running ${file}: clusters api; agents sarah, performance-optimizer;`);
        await transport.connect();
        const completed = new Promise<unknown>((resolve) => {
          bus.subscribe('sarah.task.completed', (done) => resolve(done));
        });
        await bus.flush();
        await bus.publish('sarah.task', {
          taskId: 'cli-1',
          kind: 'aggregate',
          params: { gets: ['/x'], cluster: 'api' },
        });
        expect(await completed).toMatchObject({
          taskId: 'cli-1',
          result: { gets: [{ path: '/x', status: 200, body: 'upstream got /x' }] },
        });
        child.kill('SIGTERM');
        expect(await exited).toBe(143);
      } finally {
        child.kill('SIGKILL');
        await bus.close();
        upstream.close();
      }
    });
  });

  it('run: reloads its config file on SIGHUP and on change, exits 143 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipstream-run-'));
    const file = join(dir, 'system.yaml');
    const config = (routes: string): string =>
      `log: { level: info, format: json }\nnetwork:\n  clusters:\n    - cluster: api\n      endpoints: [{ origin: "http://127.0.0.1:9" }]\n${routes}`;
    writeFileSync(file, config(''));
    const child = spawn(process.execPath, [BIN, 'run', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const seen = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (!output.includes(text)) return;
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await seen(`running ${file}`);
      child.kill('SIGHUP');
      await seen('"message":"config reload unchanged"');
      writeFileSync(file, config('  routes:\n    - { id: r, match: { path: /x }, cluster: api }\n'));
      await seen('"paths":["network.routes"]');
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('demo: runs every --only given; no output line is wider than 100 columns; --json keeps the full record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipstream-demo-'));
    try {
      const json = join(dir, 'demo.json');
      const { code, stdout, stderr } = await slipstream([
        'demo',
        '--only',
        '3',
        '--only=2',
        '--scale',
        '0.2',
        `--json=${json}`,
      ]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^2\. request batching.*: held in /m);
      expect(stdout).toMatch(/^3\. load balancing.*: held in /m);
      const widest = Math.max(...`${stdout}${stderr}`.split('\n').map((line) => line.length));
      expect(widest).toBeLessThanOrEqual(100);
      const report = JSON.parse(readFileSync(json, 'utf8')) as {
        scenarios: { id: number; baseline: object }[];
      };
      expect(report.scenarios.map((s) => s.id)).toEqual([2, 3]);
      expect(Object.keys(report.scenarios[0]!.baseline).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('on %s mid-demo exits %i and leaves no child process', async (signal, status) => {
    const child = spawn(process.execPath, [BIN, 'demo', '--only', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const running = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('[1/')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await running;
    const forks = childrenOf(child.pid!);
    expect(forks.length).toBeGreaterThanOrEqual(5); // the testkit upstreams
    child.kill(signal);
    expect(await exited).toBe(status);
    expect(stderr).toContain(`slipstream: ${signal}, stopping`);
    expect(forks.filter(alive)).toEqual([]);
  });
});
