/** A package-lock.json `packages` entry: the fields this module reads or writes. */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/** The part of a lock file (v3) this module reads. */
export interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** A packed workspace: its manifest and where its tarball is, relative to the consumer project. */
export interface PackedPackage {
  manifest: LockEntry & { name: string; version: string };
  /** `file:` spec of the tarball, relative to the consumer project, e.g. `file:../tarballs/x.tgz`. */
  spec: string;
}

/** `node_modules/a/node_modules/b` → `node_modules/a` → `` (the lookup chain of Node's resolution). */
function parentOf(location: string): string | undefined {
  const at = location.lastIndexOf('/node_modules/');
  if (at >= 0) return location.slice(0, at);
  return location === '' ? undefined : '';
}

/** Where Node finds `name` from a package at `location` in the monorepo's tree, if anywhere. */
function locate(lock: Lockfile, from: string, name: string): string | undefined {
  for (let dir: string | undefined = from; dir !== undefined; dir = parentOf(dir)) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    const entry = lock.packages[candidate];
    if (entry !== undefined && entry.link !== true) return candidate;
  }
  return undefined;
}

/** The names an entry needs installed: dependencies, optional ones, and non-optional peers. */
function needs(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(
    (name) => entry.peerDependenciesMeta?.[name]?.optional !== true,
  );
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...peers,
  ];
}

/** A copy of a monorepo entry as a production dependency of the consumer. */
function asProduction(entry: LockEntry): LockEntry {
  const { dev: _dev, devOptional, peer: _peer, ...rest } = entry;
  return devOptional === true ? { ...rest, optional: true } : rest;
}

/**
 * The lock file of a consumer project that depends on the packed workspaces (and `extra`
 * third-party packages), with every third-party package at the version, integrity and place the
 * monorepo's lock file gives it, so that `npm ci --offline` installs from the npm cache that
 * `npm ci` filled: the consumer gets exactly what the tests ran with, and nothing is fetched.
 * Workspaces resolve from the monorepo's root `node_modules`, as Node finds them there.
 */
export function consumerLockfile(
  monorepo: Lockfile,
  packed: readonly PackedPackage[],
  extra: readonly string[],
): { lockfileVersion: 3; requires: true; packages: Record<string, LockEntry> } {
  const packages: Record<string, LockEntry> = {};
  const rootDependencies: Record<string, string> = {};
  const queue: [from: string, name: string][] = [];
  for (const { manifest, spec } of packed) {
    rootDependencies[manifest.name] = spec;
    const {
      name: _name,
      scripts: _scripts,
      files: _files,
      main: _main,
      types: _types,
      exports: _exports,
      ...fields
    } = manifest;
    packages[`node_modules/${manifest.name}`] = { ...fields, resolved: spec };
    for (const dep of needs(manifest)) if (!dep.startsWith('@slipstream/')) queue.push(['', dep]);
  }
  for (const name of extra) {
    const entry = monorepo.packages[`node_modules/${name}`];
    if (entry?.version === undefined) throw new Error(`${name} is not in the monorepo's lock file`);
    rootDependencies[name] = entry.version;
    queue.push(['', name]);
  }
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const [from, name] = next;
    const location = locate(monorepo, from, name);
    if (location === undefined || packages[location] !== undefined) continue;
    const entry = monorepo.packages[location] as LockEntry;
    packages[location] = asProduction(entry);
    for (const dep of needs(entry)) queue.push([location, dep]);
  }
  packages[''] = { name: 'slipstream-consumer', version: '1.0.0', dependencies: rootDependencies };
  return { lockfileVersion: 3, requires: true, packages };
}
