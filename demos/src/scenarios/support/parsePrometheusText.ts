/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: string;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)(\s+-?\d+)?$/;

/**
 * Parses Prometheus text format 0.0.4: comments and blank lines are skipped, every other line
 * must be a sample. Returns the samples and the lines that are not valid samples.
 */
export function parsePrometheusText(text: string): { samples: PrometheusSample[]; invalid: string[] } {
  const samples: PrometheusSample[] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    const value = m ? Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]) : NaN;
    if (!m || (Number.isNaN(value) && m[3] !== 'NaN')) invalid.push(line);
    else samples.push({ name: m[1]!, labels: m[2] ?? '', value });
  }
  return { samples, invalid };
}
