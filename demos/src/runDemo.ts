import { ConfigError } from '@slipstream/contracts';
import type { DemoArgs } from './cli/DemoArgs';
import { checkUpstreams } from './environment/checkUpstreams';
import { upstreamSourceOf } from './cli/upstreamSourceOf';
import { DemoEnvironment } from './environment/DemoEnvironment';
import { slipstreamAgents } from './environment/slipstreamAgents';
import { formatResults } from './runner/formatResults';
import { runScenarios } from './runner/runScenarios';
import { toJsonReport, writeJsonReport } from './runner/writeJsonReport';
import { SCENARIOS } from './scenarios/SCENARIOS';
import { wrapText } from './runner/wrapText';

/** Where the demo writes: the results to `out`, progress to `err`. */
export interface DemoIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * `slipstream demo`: starts the upstreams (testkit ones in child processes, or forwarders in
 * front of the `--config` ones) and the agents, runs the scenarios, prints their results, writes
 * the JSON record when asked. Resolves with 0 when every scenario's property held, else 1; once
 * `signal` aborts, it stops after the current step, closes everything (the child processes
 * included) and resolves. Rejects with a `ConfigError` for a bad `--config` file or a configured
 * upstream that does not answer what the scenarios will send (`checkUpstreams`).
 */
export async function runDemo(args: DemoArgs, io: DemoIo, signal: AbortSignal): Promise<number> {
  const progress = (message: string): void => {
    const indent = /^\s*/.exec(message)![0];
    io.err(`${wrapText(indent, message.slice(indent.length)).join('\n')}\n`);
  };
  const source = await upstreamSourceOf(args);
  const scenarios = args.only === undefined ? SCENARIOS : SCENARIOS.filter((s) => args.only!.includes(s.id));
  if (source.kind === 'forward') {
    progress(`checking the configured upstreams: ${source.targets.map((t) => t.origin).join(', ')}…`);
    const issues = await checkUpstreams(source.targets);
    for (const issue of issues)
      progress(`${issue.path}: expected ${issue.expected}; received ${issue.received}`);
    if (issues.length > 0) throw new ConfigError(issues);
  }
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
      env.scenarioContext({ progress, scale: args.scale, signal }),
    );
    const durationMs = performance.now() - start;
    io.out(formatResults(results));
    io.out(`total ${(durationMs / 1_000).toFixed(1)} s\n`);
    const report = toJsonReport(results, startedAt, durationMs);
    if (args.json) await writeJsonReport(args.json, report);
    return report.passed && results.length === scenarios.length ? 0 : 1;
  } finally {
    await env.close();
  }
}
