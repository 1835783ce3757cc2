/** The label value a series takes once its tree holds `maxSeries` series. */
export const OVERFLOW_LABEL = '_overflow';

/**
 * Series keyed by three label values, created on first use by `make` and bounded: once
 * `maxSeries` exist, a new label set is recorded under (`_overflow`, `_overflow`, `_overflow`),
 * so a label with unbounded values (a path, a client-chosen class) cannot grow the exposition
 * without limit. Lookups of existing series allocate nothing.
 */
export class LabelTree<T> {
  private readonly root = new Map<string, Map<string, Map<string, T>>>();
  private readonly list: T[] = [];
  private overflow: T | undefined;
  /**
   * The label set last looked up and its series: consecutive requests mostly share their labels,
   * and a label set's series never changes once looked up (series are never dropped; one the
   * bound turned away stays on the overflow series).
   */
  private lastA: string | undefined;
  private lastB: string | undefined;
  private lastC: string | undefined;
  private last: T | undefined;

  constructor(
    private readonly maxSeries: number,
    private readonly make: (a: string, b: string, c: string) => T,
  ) {}

  /** The series of (a, b, c), or the overflow series when the bound is reached. */
  get(a: string, b: string, c: string): T {
    if (c === this.lastC && b === this.lastB && a === this.lastA) return this.last!;
    const series = this.root.get(a)?.get(b)?.get(c) ?? this.create(a, b, c);
    this.lastA = a;
    this.lastB = b;
    this.lastC = c;
    this.last = series;
    return series;
  }

  /** Every series, the overflow series included once it exists. */
  all(): readonly T[] {
    return this.list;
  }

  private create(a: string, b: string, c: string): T {
    if (this.list.length >= this.maxSeries) {
      if (!this.overflow) {
        this.overflow = this.make(OVERFLOW_LABEL, OVERFLOW_LABEL, OVERFLOW_LABEL);
        this.list.push(this.overflow);
      }
      return this.overflow;
    }
    let byB = this.root.get(a);
    if (!byB) this.root.set(a, (byB = new Map<string, Map<string, T>>()));
    let byC = byB.get(b);
    if (!byC) byB.set(b, (byC = new Map<string, T>()));
    const series = this.make(a, b, c);
    byC.set(c, series);
    this.list.push(series);
    return series;
  }
}
