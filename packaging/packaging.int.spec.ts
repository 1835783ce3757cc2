/**
 * The packages as a consumer gets them: builds (`tsc -b`), packs every library workspace, installs
 * the tarballs into a fresh project with `npm ci --offline` (third-party packages from the npm
 * cache at the monorepo's locked versions, nothing from the workspaces), then runs there a
 * CommonJS and an ES module script that send a request through the sidecar, compiles the
 * README's example and the package READMEs' examples (`examples/readme/`, but the testkit's: it
 * is not published) with `tsc` (nodenext, strict, no decorator flags), and runs the README's.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { consumerLockfile, type Lockfile, type PackedPackage } from './consumerLockfile';

const run = promisify(execFile);
const repo = join(__dirname, '..');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');

/** The publishable workspaces (every one but testkit and the demos). */
const LIBRARIES = [
  'contracts',
  'packages/core',
  'packages/http',
  'packages/batching',
  'packages/balancer',
  'packages/resilience',
  'packages/routing',
  'packages/client',
  'packages/monitor',
  'packages/transport-nats',
  'packages/config',
  'packages/sidecar',
  'agents/network-performance',
  'agents/sarah',
  'agents/performance-optimizer',
  'packages/cli',
];

/** What `npm pack --json` reports per package. */
interface PackReport {
  name: string;
  filename: string;
  files: { path: string }[];
}

jest.setTimeout(180_000);

let work: string;
let app: string;
let packs: PackReport[];
let install: { stdout: string; stderr: string };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipstream-packaging-'));
  app = join(work, 'app');
  await run(process.execPath, [tsc, '-b', join(repo, 'tsconfig.build.json')], { cwd: repo });
  const workspaces = LIBRARIES.flatMap((dir) => ['-w', dir]);
  const packed = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...workspaces],
    { cwd: repo, maxBuffer: 16 * 1024 * 1024 },
  );
  packs = JSON.parse(packed.stdout) as PackReport[];
  const manifests: PackedPackage[] = await Promise.all(
    LIBRARIES.map(async (dir, i) => ({
      manifest: JSON.parse(
        await readFile(join(repo, dir, 'package.json'), 'utf8'),
      ) as PackedPackage['manifest'],
      spec: `file:../${packs[i]!.filename}`,
    })),
  );
  const lock = consumerLockfile(
    JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as Lockfile,
    manifests,
    ['@types/node'],
  );
  await cp(join(__dirname, 'consumer'), app, { recursive: true });
  await cp(join(repo, 'examples', 'quickstart.ts'), join(app, 'quickstart.ts'));
  await mkdir(join(app, 'readme'));
  for (const example of await readdir(join(repo, 'examples', 'readme'))) {
    if (!example.startsWith('testkit'))
      await cp(join(repo, 'examples', 'readme', example), join(app, 'readme', example));
  }
  const manifest = {
    name: 'slipstream-consumer',
    version: '1.0.0',
    private: true,
    dependencies: lock.packages['']!.dependencies,
    // What the transport-nats README tells Node 20 users to add (see there).
    overrides: { '@nats-io/nuid': '2.0.3' },
  };
  await writeFile(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  install = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: app });
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

it('packs the built JavaScript and declarations, not the sources or the specs', () => {
  expect(packs.map((p) => p.name)).toHaveLength(LIBRARIES.length);
  for (const pack of packs) {
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(paths.filter((p) => p.includes('.spec.') || p.endsWith('.tsbuildinfo'))).toEqual([]);
  }
});

it('installs from the tarballs without an engine warning on this Node', () => {
  expect(`${install.stdout}${install.stderr}`).not.toMatch(/EBADENGINE/);
});

it('runs a CommonJS consumer: a request through the sidecar reaches the upstream', async () => {
  const { stdout } = await run(process.execPath, ['probe.cjs'], { cwd: app });
  expect(stdout.trim()).toBe('200 cjs /through-the-sidecar');
});

it('runs an ES module consumer: a request through the sidecar reaches the upstream', async () => {
  const { stdout } = await run(process.execPath, ['probe.mjs'], { cwd: app });
  expect(stdout.trim()).toBe('200 esm /through-the-sidecar');
});

it("compiles the README's and the package READMEs' examples with tsc (nodenext, strict), runs the README's", async () => {
  await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app });
  const { stdout } = await run(process.execPath, [join('out', 'quickstart.js')], { cwd: app });
  expect(stdout).toMatch(
    /^200 hello from the upstream\n\d+ change\(s\) planned, verdict: (nothing to change|improved|no measurable change|worse)( \(paired ratio .*\))?\n$/,
  );
});

it('installs the slipstream command: --help lists the published commands, validate checks a config file', async () => {
  const slipstream = join(app, 'node_modules', '.bin', 'slipstream');
  const help = await run(slipstream, ['--help'], { cwd: app });
  const listed = help.stdout
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => line.trim().split(/\s+/)[0]);
  // demo and bench are the repository's (the demos are not published).
  expect(listed).toEqual(['validate', 'run', 'sidecar', 'config']);
  await writeFile(
    join(app, 'ok.yaml'),
    'network:\n  clusters:\n    - { cluster: api, endpoints: [{ origin: "http://127.0.0.1:9" }] }\n',
  );
  const valid = await run(slipstream, ['validate', 'ok.yaml'], { cwd: app });
  expect(valid.stdout).toBe('ok.yaml: valid (1 clusters, 0 routes)\n');
  await writeFile(join(app, 'bad.yaml'), 'network:\n  clusterz: []\n');
  const invalid = await run(slipstream, ['validate', 'bad.yaml'], { cwd: app }).then(
    () => undefined,
    (err: { code: number; stderr: string }) => err,
  );
  expect(invalid?.code).toBe(2);
  expect(invalid?.stderr).toContain('network.clusterz: expected a known key (did you mean "clusters"?)');
});
