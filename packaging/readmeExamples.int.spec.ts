/**
 * The package READMEs' examples (`examples/readme/`, see readmeExample.spec.ts) run: each is
 * started as a program (tsx, from the sources) and prints what it did. The NATS one needs a
 * server, so it is only compiled (by `npm run typecheck` and the packaging test).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = join(__dirname, '..');

/** What each example prints when it worked; null: needs the network, not run here. */
const OUTPUT: Record<string, RegExp | null> = {
  'balancer.ts': /^sent to http:\/\/10\.0\.0\.1:8080; again: http:\/\/10\.0\.0\.1:8080\n$/,
  'config.ts':
    /^clusters\[0\]\.endpoints\[0\]\.origin: expected .*\npool\.connetions: expected a known key \(did you mean "connections"\?\)/,
  'core.ts': /^hello, asking\n$/,
  'monitor.ts': /^p50 12 ms, error rate 0\.5\nmetrics at http:\/\/127\.0\.0\.1:\d+\/metrics\n$/,
  'network-performance.ts': /^200 hello\nwindow 30000 ms, admin server at http:\/\/127\.0\.0\.1:\d+\n$/,
  'performance-optimizer.ts': /^optimizer running\n$/,
  'routing.ts': /^answered by users\nnow routed to users or users-v2\n$/,
  'sidecar.ts': /^200 upstream got \/users\/42\nreadiness: 200\n$/,
  'testkit.ts': /^429 retry-after 2\n1\n0\n$/,
  'testkit-tls.ts': /^https:\/\/127\.0\.0\.1:\d+ https:\/\/127\.0\.0\.1:\d+ https:\/\/127\.0\.0\.1:\d+\n$/,
  'transport-nats.ts': null,
};

jest.setTimeout(60_000);

it('knows every example', () => {
  expect(readdirSync(join(repo, 'examples', 'readme')).sort()).toEqual(Object.keys(OUTPUT).sort());
});

it.each(Object.entries(OUTPUT).filter(([, output]) => output !== null))(
  'examples/readme/%s runs and prints what it did',
  async (file, output) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join('examples', 'readme', file)], {
      cwd: repo,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(repo, 'tsconfig.json') },
      timeout: 50_000,
    });
    expect(stdout).toMatch(output!);
  },
);
