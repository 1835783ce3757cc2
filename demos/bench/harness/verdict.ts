/** A note line stating a target and whether this run met it. */
export function verdict(target: string, met: boolean): string {
  return `target ${target}: ${met ? 'met' : 'NOT met'}`;
}
