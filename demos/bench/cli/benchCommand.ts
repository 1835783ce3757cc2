import { ConfigError } from '@slipstream/contracts';
import { targetOptionsOf } from './targetOptionsOf';
import { benchArgsOf } from '../harness/benchArgsOf';
import type { Command } from '@slipstream/cli';

/** Options only the suites take, and options only `--target` takes. */
const SUITE_ONLY = ['rounds', 'markdown', 'svg'] as const;
const TARGET_ONLY = ['duration', 'connections'] as const;

/** `slipstream bench`: the benchmark suites (`npm run bench`), or one target URL. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmark suites (baseline vs candidate ratios), or --target URL against a server',
  help: [
    'usage: slipstream bench [SUITE ...] [--rounds N] [--json FILE] [--markdown FILE] [--svg FILE]',
    '       slipstream bench --target URL [--duration S] [--connections N] [--json FILE]',
    '       (npm run bench -- [arguments] runs it too)',
    '',
    '  SUITE            suite names (default: all; BENCHMARKS.md lists them, a wrong one too)',
    '  --rounds N       rounds per comparison, alternating baseline and candidate (default 5)',
    '  --json FILE      also write the full results as JSON to FILE',
    '  --markdown FILE  also write the markdown report to FILE',
    '  --svg FILE       also write the latency distributions as an SVG chart to FILE',
    '  --target URL     GET this http(s) URL: a new connection per request vs fetch vs the pipeline',
    '  --duration S     total measuring time with --target, seconds (default 10, at most 600)',
    '  --connections N  requests in flight with --target (default 16, at most 1024)',
    '  -h, --help       print this text',
  ].join('\n'),
  options: {
    rounds: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    svg: { type: 'string' },
    target: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
  },
  positionals: true,
  run: async ({ values, positionals }, { io }) => {
    const mode = values.target === undefined ? 'suites' : 'target';
    const foreign = (mode === 'target' ? SUITE_ONLY : TARGET_ONLY).filter((o) => values[o] !== undefined);
    if (foreign.length > 0 || (mode === 'target' && positionals.length > 0)) {
      const received = foreign.length > 0 ? `--${foreign[0]}` : JSON.stringify(positionals[0]);
      const expected = mode === 'target' ? 'no suite options with --target' : '--target with this option';
      throw new ConfigError([{ path: foreign.length > 0 ? `--${foreign[0]}` : 'SUITE', expected, received }]);
    }
    // Loaded on use, so that `--help` and usage errors answer at once.
    if (mode === 'target') {
      const options = targetOptionsOf(values);
      const { runTargetBench } = await import('./runTargetBench');
      return runTargetBench(options, io);
    }
    const args = benchArgsOf(values, positionals);
    const { runBench } = await import('../runBench');
    const options = Object.entries(values).map(([name, value]) => `--${name} ${String(value)}`);
    return runBench(args, ['slipstream bench', ...positionals, ...options].join(' '));
  },
};
