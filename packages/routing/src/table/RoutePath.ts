/** The params of a match that captured none. */
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** One segment of a path pattern. */
type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'any' };

/**
 * The path part of a route's match, compiled.
 *
 * - A path with a `:param` or `*` segment is a **pattern**: `:name` matches one non-empty
 *   segment and captures it; `*` matches one segment, or, as the last segment, the rest of
 *   the path (zero or more segments).
 * - Any other path is a **prefix**, matched on segment boundaries: `/api` matches `/api`,
 *   `/api/` and `/api/users`, not `/apis`. A request whose path equals the prefix is an
 *   **exact** match. A route with no path has the prefix `/`.
 */
export class RoutePath {
  /** `prefix` or `pattern`. */
  readonly kind: 'prefix' | 'pattern';
  /** The path as configured (`/` when none was). */
  readonly source: string;
  /** Literal segments of a pattern (specificity: more is more specific). */
  readonly literals: number;
  /** Whether a pattern ends in a rest wildcard `*`. */
  readonly hasRest: boolean;
  /** Segments of a pattern. */
  readonly length: number;
  /** Whether a pattern has `:param` segments (a match then captures values). */
  readonly hasParams: boolean;
  /** The first segment when it is a literal; used to index patterns. */
  readonly firstLiteral: string | undefined;
  private readonly segments: readonly Segment[];
  private readonly boundary: string;

  private constructor(source: string, segments: readonly Segment[] | undefined) {
    this.source = source;
    this.kind = segments ? 'pattern' : 'prefix';
    this.segments = segments ?? [];
    const last = this.segments[this.segments.length - 1];
    this.hasRest = last?.kind === 'any';
    this.literals = this.segments.filter((s) => s.kind === 'literal').length;
    this.length = this.segments.length;
    this.hasParams = this.segments.some((s) => s.kind === 'param');
    const first = this.segments[0];
    this.firstLiteral = first?.kind === 'literal' ? first.value : undefined;
    this.boundary = source.endsWith('/') ? source : `${source}/`;
  }

  /**
   * Compiles a configured path. Returns the reasons it is malformed instead when it is
   * (no leading `/`, an empty `:` name, a repeated param name, `*` or `:` inside a segment).
   */
  static compile(path: string | undefined): RoutePath | string[] {
    const source = path ?? '/';
    if (!source.startsWith('/')) return [`path "${source}" must start with "/"`];
    const parts = source.split('/').slice(1);
    const isPattern = parts.some((p) => p.startsWith(':') || p.includes('*'));
    if (!isPattern) return new RoutePath(source, undefined);
    const reasons: string[] = [];
    const names = new Set<string>();
    const segments: Segment[] = [];
    parts.forEach((part, i) => {
      if (part === '*') segments.push({ kind: 'any' });
      else if (part.startsWith(':')) {
        const name = part.slice(1);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
          reasons.push(`path "${source}" has a bad param name "${part}"`);
        else if (names.has(name)) reasons.push(`path "${source}" repeats the param ":${name}"`);
        names.add(name);
        segments.push({ kind: 'param', name });
      } else if (part.includes('*') || part.includes(':')) {
        reasons.push(`path "${source}" has "*" or ":" inside segment ${i + 1} ("${part}")`);
      } else if (part === '' && i < parts.length - 1) {
        reasons.push(`path "${source}" has an empty segment`);
      } else {
        segments.push({ kind: 'literal', value: part });
      }
    });
    return reasons.length > 0 ? reasons : new RoutePath(source, segments);
  }

  /** Whether a prefix matches a request path (without query): equal to it, or on a segment boundary below it. */
  matchesPrefix(path: string): boolean {
    return path === this.source || path.startsWith(this.boundary);
  }

  /**
   * Matches a request path (without query) against a pattern; returns the captured params
   * (a shared frozen empty object when the pattern has none) or `undefined` when it does not
   * match. Walks the path in place: nothing is allocated unless a param is captured.
   */
  matchPattern(path: string): Readonly<Record<string, string>> | undefined {
    let params: Record<string, string> | undefined;
    const slash = path.indexOf('/');
    // Start of the next part of the path, or -1 when no part is left.
    let start = slash === -1 ? -1 : slash + 1;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      if (seg.kind === 'any' && i === this.segments.length - 1) return params ?? NO_PARAMS;
      if (start === -1) return undefined;
      const next = path.indexOf('/', start);
      const end = next === -1 ? path.length : next;
      if (end === start) return undefined;
      if (seg.kind === 'literal') {
        if (seg.value.length !== end - start || !path.startsWith(seg.value, start)) return undefined;
      } else if (seg.kind === 'param') {
        (params ??= {})[seg.name] = decodeSafely(path.slice(start, end));
      }
      start = next === -1 ? -1 : next + 1;
    }
    return start === -1 ? (params ?? NO_PARAMS) : undefined;
  }

  /**
   * Whether every path this one matches, `other` matches too, with the same kind of match
   * (used to find shadowed routes). Prefixes cover only an identical prefix, since a longer
   * one wins on its own exact path.
   */
  coveredBy(other: RoutePath): boolean {
    if (this.kind !== other.kind) return false;
    if (this.kind === 'prefix') return this.source === other.source;
    for (let i = 0; i < other.segments.length; i++) {
      const o = other.segments[i]!;
      const t = this.segments[i];
      if (o.kind === 'any' && i === other.segments.length - 1) return true;
      if (t === undefined || (t.kind === 'any' && i === this.segments.length - 1)) return false;
      if (o.kind === 'literal' && !(t.kind === 'literal' && t.value === o.value)) return false;
    }
    return this.segments.length === other.segments.length;
  }
}

function decodeSafely(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
