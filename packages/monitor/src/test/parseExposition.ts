/** One sample line of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
/** Values as Prometheus parses them (Go's ParseFloat: `NaN` in any case — prom-client writes `Nan`). */
const SAMPLE = new RegExp(
  `^(${NAME})(?:\\{(.*)\\})? (-?(?:\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|[Nn][Aa][Nn]|\\+Inf|-Inf))$`,
);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * Parses Prometheus text format 0.0.4 strictly: every line must be HELP, TYPE, a sample of a
 * declared metric, or blank. Throws on the first line that is none of them.
 */
export function parseExposition(text: string): Sample[] {
  const declared = new Set<string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const help = HELP.exec(line);
    if (help) return;
    const type = TYPE.exec(line);
    if (type) {
      declared.add(type[1]!);
      return;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${i + 1} is not Prometheus text: ${line}`);
    const name = sample[1]!;
    if (![...declared].some((d) => name === d || name.startsWith(`${d}_`))) {
      throw new Error(`line ${i + 1}: sample of undeclared metric ${name}`);
    }
    const labels: Record<string, string> = {};
    const body = sample[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const m = LABEL.exec(body);
      if (!m) throw new Error(`line ${i + 1}: bad labels {${body}}`);
      labels[m[1]!] = m[2]!;
    }
    samples.push({ name, labels, value: Number(sample[3]) });
  });
  return samples;
}
