import type { ClosedLoopResult } from '../harness/closedLoop';
import { runRounds, summarizeRuns, type VariantSummary } from '../harness/compare';
import { describePairedRatio, pairedRatio, type PairedRatio } from '../harness/pairedRatio';
import { processTreeCpuUs } from '../harness/processCpu';
import { runAutocannon } from '../harness/runAutocannon';
import { withUpstreams } from '../harness/spawnUpstreams';
import type { Suite, TableRow } from '../harness/suite';
import { ratioVerdict } from '../harness/verdict';
import { ensureDebianPackage } from '../proxies/ensureDebianPackage';
import { ExternalProxy } from '../proxies/ExternalProxy';
import { direct, minimalNodeProxy, sidecarProcess, type ProxyUnderTest } from '../proxies/ProxyUnderTest';

/** Connections of the load generator. */
const CONNECTIONS = 32;
/** Length of each row's run, s. */
const DURATION_S = 2;
/**
 * Length of the unrecorded warm-up run of each row, s: V8 tiers up the proxies' JavaScript and
 * undici's WebAssembly parser on background threads whose CPU counts as the process's, so the
 * first seconds cost several times the steady state.
 */
const WARM_UP_S = 4;
const DIRECT = 'direct';
const MINIMAL = 'minimal node proxy';
const SIDECAR = 'slipstream sidecar';

/** The Debian reverse proxies, the anchors: name, binary, package, how to start one. */
const EXTERNAL = [
  {
    name: 'haproxy',
    binary: 'haproxy',
    pkg: 'haproxy',
    start: (origin: string) => ExternalProxy.haproxy(origin),
  },
  { name: 'nginx', binary: 'nginx', pkg: 'nginx', start: (origin: string) => ExternalProxy.nginx(origin) },
] as const;

/** One autocannon run (its own process) through `target`, with the CPU the proxy process (and its children) used. */
async function measure(target: ProxyUnderTest, durationS = DURATION_S): Promise<ClosedLoopResult> {
  const before = target.pid === undefined ? Number.NaN : processTreeCpuUs(target.pid);
  const result = await runAutocannon({
    url: `${target.url}/bench`,
    connections: CONNECTIONS,
    durationS,
  });
  const cpuUs = target.pid === undefined ? Number.NaN : processTreeCpuUs(target.pid) - before;
  return {
    ...result,
    cpuPerOpUs: cpuUs / result.operations,
    blocks: [{ operations: result.operations, durationMs: result.durationMs, cpuUs }],
  };
}

function row(name: string, s: VariantSummary, base: VariantSummary): TableRow {
  return {
    variant: name,
    'req/s': s.throughput,
    'p50 ms': s.p50,
    'p99 ms': s.p99,
    'added p50 ms': name === DIRECT ? 0 : s.p50 - base.p50,
    'added p99 ms': name === DIRECT ? 0 : s.p99 - base.p99,
    'proxy CPU µs/req': s.cpuPerOpUs,
    errors: s.errors,
  };
}

/**
 * Suite `sidecar`: one testkit upstream in its own process reached (a) directly, (b) through a
 * minimal `node:http` + undici keep-alive proxy (the floor a Node proxy can reach), (c) through
 * `slipstream sidecar`, (d) HAProxy and (e) nginx (Debian packages, installed with apt-get when
 * absent; a row is skipped with its reason when that fails), every proxy in its own process on
 * loopback, the load from autocannon in its own process. Reports throughput, p50/p99 and the
 * latency added over the direct row, and the CPU per request of the proxy process (from
 * /proc). Rows alternate within each round; ratios are paired per round.
 */
export const sidecarSuite: Suite = {
  name: 'sidecar',
  description: `upstream reached directly vs minimal Node proxy vs slipstream sidecar vs HAProxy vs nginx (autocannon, ${DURATION_S} s × ${CONNECTIONS} connections per row)`,
  run: (ctx) =>
    withUpstreams(1, { requestLogSize: 0 }, async ([upstream]) => {
      const origin = upstream!.origin;
      const skipped: string[] = [];
      const targets: Record<string, ProxyUnderTest> = { [DIRECT]: direct(origin) };
      try {
        targets[MINIMAL] = await minimalNodeProxy(origin);
        targets[SIDECAR] = await sidecarProcess(origin);
        for (const proxy of EXTERNAL) {
          ctx.progress(`set-up: ${proxy.name}`);
          const reason = await ensureDebianPackage(proxy.binary, proxy.pkg);
          if (reason !== undefined) {
            skipped.push(`${proxy.name} row skipped: ${reason}`);
            continue;
          }
          try {
            targets[proxy.name] = await proxy.start(origin);
          } catch (err) {
            skipped.push(`${proxy.name} row skipped: ${(err as Error).message}`);
          }
        }
        const variants: Record<string, () => Promise<ClosedLoopResult>> = {};
        for (const [name, target] of Object.entries(targets)) {
          variants[name] = () => measure(target);
          ctx.progress(`warm-up: ${name} (${WARM_UP_S} s)`);
          await measure(target, WARM_UP_S);
        }
        const runs = await runRounds(ctx.rounds, variants, {
          warmUp: false,
          onRound: (round, name, r) =>
            ctx.progress(`round ${round + 1}/${ctx.rounds} ${name}: ${Math.round(r.throughput)} req/s`),
        });
        const summaries: Record<string, VariantSummary> = {};
        for (const [name, list] of Object.entries(runs)) summaries[name] = summarizeRuns(list);
        const paired = (
          candidate: string,
          baseline: string,
          metric: (r: ClosedLoopResult) => number,
        ): PairedRatio => pairedRatio(runs[candidate] ?? [], runs[baseline] ?? [], metric);
        const throughput = (r: ClosedLoopResult): number => r.throughput;
        const cpu = (r: ClosedLoopResult): number => r.cpuPerOpUs;
        const vsMinimal = {
          throughput: paired(SIDECAR, MINIMAL, throughput),
          cpu: paired(SIDECAR, MINIMAL, cpu),
        };
        const ratios: Record<string, number> = {
          sidecarVsMinimalThroughput: vsMinimal.throughput.median,
          sidecarVsMinimalCpuPerRequest: vsMinimal.cpu.median,
        };
        const anchors: string[] = [];
        for (const { name } of EXTERNAL) {
          if (runs[name] === undefined) continue;
          const t = paired(SIDECAR, name, throughput);
          const c = paired(SIDECAR, name, cpu);
          ratios[`sidecarVs${name[0]!.toUpperCase()}${name.slice(1)}Throughput`] = t.median;
          ratios[`sidecarVs${name[0]!.toUpperCase()}${name.slice(1)}CpuPerRequest`] = c.median;
          anchors.push(
            describePairedRatio(`sidecar ÷ ${name} throughput`, t),
            describePairedRatio(`sidecar ÷ ${name} CPU/req`, c),
          );
        }
        const base = summaries[DIRECT]!;
        return {
          ratios,
          results: summaries,
          table: Object.entries(summaries).map(([name, s]) => row(name, s, base)),
          notes: [
            ratioVerdict('sidecar ÷ minimal Node proxy throughput', vsMinimal.throughput, {
              op: '≥',
              value: 0.8,
            }),
            ratioVerdict('sidecar ÷ minimal Node proxy CPU per request', vsMinimal.cpu, {
              op: '≤',
              value: 1.3,
            }),
            ...anchors,
            ...skipped,
            'added latency = the row’s median p50/p99 minus the direct row’s; proxy CPU from /proc (10 ms ticks) of the proxy process and its direct children (nginx’s worker); the direct row has no proxy (NaN)',
            `sizes: ${DURATION_S} s per row after a ${WARM_UP_S} s warm-up of each, ${CONNECTIONS} autocannon connections (its own process), upstream in its own process; medians of ${ctx.rounds} rounds`,
          ],
        };
      } finally {
        await Promise.all(Object.values(targets).map((t) => t.close()));
      }
    }),
};
