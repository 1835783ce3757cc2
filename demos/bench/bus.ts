/**
 * `npm run bench:bus [-- --rounds N]`: the `bus` suite alone (the same as `npm run bench -- bus`),
 * in-process bus vs raw eventemitter3, printed as markdown with the machine.
 */
import { parseBenchArgs } from './harness/parseBenchArgs';
import { runBench } from './runBench';

const argv = process.argv.slice(2);
Promise.resolve()
  .then(() =>
    runBench({ ...parseBenchArgs(argv), names: ['bus'] }, ['npm run bench:bus --', ...argv].join(' ')),
  )
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
