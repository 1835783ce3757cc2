/**
 * `npm run bench [-- SUITE ...] [--rounds N] [--json FILE] [--markdown FILE] [--svg FILE]`
 *
 * Runs the benchmark suites (all by default), each comparing baseline and candidate in the
 * same run, and prints a markdown table per suite with the ratios and the machine.
 */
import { parseBenchArgs } from './harness/parseBenchArgs';
import { runBench } from './runBench';

const argv = process.argv.slice(2);
Promise.resolve()
  .then(() => runBench(parseBenchArgs(argv), ['npm run bench --', ...argv].join(' ')))
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
