/**
 * The multi-process demo: `npx tsx demos/multiprocess/run.ts [--servers nats://host:4222,...] [--tasks 200]`.
 * Prints the counts measured in the run; exits 1 when a confirmed task was lost (neither completed
 * nor failed) or a publish was not confirmed. Failed tasks (an upstream error, acked) are reported,
 * not counted as lost.
 */
import { parseArgs } from 'node:util';

import { runMultiprocessDemo } from './driver/runMultiprocessDemo';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { servers: { type: 'string' }, tasks: { type: 'string' } },
  });
  const report = await runMultiprocessDemo({
    servers: values.servers?.split(','),
    tasks: values.tasks === undefined ? undefined : Number(values.tasks),
    progress: (line) => console.log(line),
  });
  console.log(
    [
      `published    ${report.published} confirmed (${report.unconfirmed} unconfirmed)`,
      `completed    ${report.completed} distinct (${report.completions} completion events)`,
      `redelivered  ${report.redelivered} (completed again after Sarah's SIGKILL at ${report.completedAtKill})`,
      `failed       ${report.failed}`,
      `lost         ${report.lost}`,
      `agent.offline for the killed Sarah node: ${report.offlineReported ? 'seen' : 'not seen'}`,
      `duration     ${report.durationMs.toFixed(0)} ms`,
    ].join('\n'),
  );
  return report.lost === 0 && report.unconfirmed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
