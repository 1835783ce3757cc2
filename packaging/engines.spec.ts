/**
 * The Node versions the `engines` fields state are true: every version in a workspace's range
 * satisfies the `engines` of every package the lock file installs for it (the root: runtime and
 * development dependencies; a library package: the runtime dependencies it pulls in), so `npm ci`
 * and `npm install` print no `EBADENGINE` on any of them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** `semver` (a root dev dependency, used through `require`: it ships no types). */
const semver = createRequire(__filename)('semver') as { subset(sub: string, dom: string): boolean };

interface LockEntry {
  name?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const repo = join(__dirname, '..');
const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** The lock entry a package at `from` gets for `name`: node's lookup, nearest node_modules first. */
function resolve(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    const key = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[key] !== undefined) return key;
    if (dir === '') return undefined;
  }
}

/** Every lock entry `start` pulls in through its runtime dependencies (workspace links followed). */
function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const key = todo.pop()!;
    const entry = lock.packages[key] as LockEntry & { link?: boolean; resolved?: string };
    const real = entry.link === true && entry.resolved !== undefined ? entry.resolved : key;
    if (seen.has(real)) continue;
    seen.add(real);
    const deps = { ...lock.packages[real]!.dependencies, ...lock.packages[real]!.optionalDependencies };
    for (const name of Object.keys(deps)) {
      const found = resolve(real, name);
      if (found !== undefined) todo.push(found);
    }
  }
  return seen;
}

/** The entries whose `engines.node` does not hold for every version of `range`. */
function violations(range: string, keys: Iterable<string>): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const engines = lock.packages[key]!.engines;
    const node = Array.isArray(engines) ? undefined : engines?.node;
    if (node !== undefined && !semver.subset(range, node)) out.push(`${key || '(root)'}: node ${node}`);
  }
  return out;
}

const rootRange = (
  JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node;

it('the root range holds for every package npm ci installs', () => {
  expect(violations(rootRange, Object.keys(lock.packages))).toEqual([]);
});

it.each(
  Object.entries(lock.packages)
    .filter(([key, entry]) => !key.includes('node_modules/') && key !== '' && entry.engines !== undefined)
    .map(([key]) => key),
)('%s: its range holds for every package it installs', (workspace) => {
  const own = (lock.packages[workspace]!.engines as { node: string }).node;
  const manifest = JSON.parse(readFileSync(join(repo, workspace, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  expect(own).toBe(manifest.engines.node);
  expect(violations(own, closure(workspace))).toEqual([]);
});
