import { ConfigError } from '@slipstream/contracts';
import { parseArgs, USAGE } from './cli/parseArgs';
import { upstreamSourceOf } from './cli/upstreamSourceOf';
import { DemoEnvironment } from './environment/DemoEnvironment';
import { slipstreamAgents } from './environment/slipstreamAgents';
import { formatTable } from './runner/formatTable';
import { runScenarios } from './runner/runScenarios';
import { toJsonReport, writeJsonReport } from './runner/writeJsonReport';
import { SCENARIOS } from './scenarios/SCENARIOS';

/** Exit status when a scenario's property did not hold. */
const EXIT_FAILED = 1;
/** Exit status for bad arguments or configuration. */
const EXIT_USAGE = 2;
/** Exit status after SIGINT / SIGTERM. */
const EXIT_INTERRUPTED = 130;

const progress = (message: string): void => void process.stderr.write(`${message}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const source = await upstreamSourceOf(args);
  const scenarios = args.only === undefined ? SCENARIOS : SCENARIOS.filter((s) => s.id === args.only);
  const stop = new AbortController();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping after the current step`);
    interrupted = true;
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedAt = new Date();
  const start = performance.now();
  progress(
    source.kind === 'forward'
      ? `starting forwarding testkit upstreams in child processes, in front of ${source.targets.map((t) => t.origin).join(', ')}…`
      : 'starting 5 testkit upstreams in child processes…',
  );
  const env = await DemoEnvironment.start({
    upstreams: source,
    agents: (origins) => slipstreamAgents(origins, { workloadRequests: Math.round(300 * args.scale) }),
  });
  try {
    const results = await runScenarios(
      scenarios,
      env.scenarioContext({ progress, scale: args.scale, signal: stop.signal }),
    );
    const durationMs = performance.now() - start;
    process.stdout.write(formatTable(results));
    process.stdout.write(`total ${(durationMs / 1_000).toFixed(1)} s\n`);
    const report = toJsonReport(results, startedAt, durationMs);
    if (args.json) await writeJsonReport(args.json, report);
    if (interrupted) return EXIT_INTERRUPTED;
    return report.passed && results.length === scenarios.length ? 0 : EXIT_FAILED;
  } finally {
    await env.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    progress(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    if (ConfigError.is(err)) progress(USAGE);
    process.exit(ConfigError.is(err) ? EXIT_USAGE : EXIT_FAILED);
  },
);
