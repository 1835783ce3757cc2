import type { VariantSummary } from './compare';
import type { TableRow } from './suite';

/** A table row of a closed-loop variant's medians: throughput, p50 / p99 / p99.9 latency, client CPU. */
export function summaryRow(variant: string, s: VariantSummary, unit = 'req'): TableRow {
  return {
    variant,
    [`${unit}/s`]: s.throughput,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'p99.9 ms': s.p999,
    [`CPU µs/${unit}`]: s.cpuPerOpUs,
    errors: s.errors,
  };
}
