/** One row of a suite's printed table. */
export interface TableRow {
  variant: string;
  [column: string]: string | number;
}

/** What a suite reports: ratios (candidate ÷ baseline as named), raw results and a table. */
export interface SuiteResult {
  ratios: Record<string, number>;
  results: Record<string, unknown>;
  table: TableRow[];
  /** Targets and whether each was met, in words. */
  notes: string[];
}

/** What the runner hands a suite. */
export interface SuiteContext {
  /** Rounds per comparison. */
  rounds: number;
  /** Prints a progress line. */
  progress(message: string): void;
}

/** A benchmark suite: baseline and candidate measured in the same run. */
export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}
