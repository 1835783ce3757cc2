import { comparePaired, type PairedComparison, type PerformanceMetrics } from '@slipstream/contracts';

/**
 * Pairs of blocks an A/B runs. With 11 pairs `comparePaired`'s interval is the second-lowest
 * to second-highest ratio, so it says `improved` when 10 of them favour the new settings, which
 * an unchanged system does by chance 0.6 % of the time (20 A/Bs of an unchanged system give 2 or
 * more false `improved` 0.6 % of the time), and one stray pair (a GC pause in one block) no
 * longer vetoes a real gain, as it did with the whole range of 8 pairs.
 */
export const AB_PAIRS = 11;

/** What an interleaved A/B drives. */
export interface AbSubject {
  /** Puts the old settings in force. */
  useOld(): Promise<void>;
  /** Puts the new settings in force. */
  useNew(): Promise<void>;
  /** Runs one block of the workload (its own warm-up included) and returns the measured figures. */
  block(): Promise<PerformanceMetrics>;
}

/** The figures of an A/B: every block in the order it ran, and their comparison. */
export interface AbOutcome {
  blocks: { settings: 'old' | 'new'; metrics: PerformanceMetrics }[];
  comparison: PairedComparison;
}

/** Goodput of a block: answered-without-failure requests per second. */
export function goodput(m: PerformanceMetrics): number {
  return m.throughput * (1 - m.errorRate);
}

/**
 * Runs `pairs` pairs of blocks, old and new settings alternating and the order inside a pair
 * alternating too (old-new, new-old, …), so a steady drift of the machine's load favours
 * neither side; compares their goodput pair by pair (`comparePaired`; a pair with no goodput on
 * either side is left out). Leaves the settings
 * of the last block in force; the caller decides which to keep.
 */
export async function interleavedAb(subject: AbSubject, pairs = AB_PAIRS): Promise<AbOutcome> {
  const blocks: AbOutcome['blocks'] = [];
  const old: number[] = [];
  const candidate: number[] = [];
  let inForce: 'old' | 'new' | undefined;
  const run = async (settings: 'old' | 'new'): Promise<number> => {
    if (inForce !== settings) await (settings === 'old' ? subject.useOld() : subject.useNew());
    inForce = settings;
    const metrics = await subject.block();
    blocks.push({ settings, metrics });
    return goodput(metrics);
  };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      old.push(await run('old'));
      candidate.push(await run('new'));
    } else {
      candidate.push(await run('new'));
      old.push(await run('old'));
    }
  }
  // A pair in which neither side answered anything (the client closing, the upstream gone)
  // measured nothing: left out, not counted as "no change".
  for (let i = 0; i < old.length; i++) {
    if (old[i] === 0 && candidate[i] === 0) old[i] = candidate[i] = Number.NaN;
  }
  return { blocks, comparison: comparePaired('goodput', 'higher', old, candidate) };
}
